@phase-8.6
@idempotency
Feature: A retried write counts once in every region
  A client may send a write again with the same idempotency key — after a lost acknowledgement, a duplicated delivery
  or a failover — and every region counts it once. A key names one write: reusing it for another write is refused.

  Background:
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east

  # @simulator-only: loses the acknowledgement alone, after the leader applied the write (message-level control)
  @partitions
  @simulator-only
  Rule: When an acknowledgement is lost, the client retries with the same key and the write counts once

    Scenario: The leader holds a write whose acknowledgement cannot reach the client
      Given the link from us-east to eu-west is cut
      When a client tries to write a click of weight 1 to article-1 through eu-west with idempotency key "order-1"
      Then the client gets no acknowledgement, though the leader holds the write
      And us-east scores article-1 "click" at 1.0 within 0.001

    Scenario: Five retries after the lost acknowledgement count once in every region
      Given the link from us-east to eu-west is cut
      And a client tried to write a click of weight 1 to article-1 through eu-west with idempotency key "order-1"
      And every link healed
      When a client retries a click of weight 1 to article-1 through eu-west with idempotency key "order-1" 5 times
      Then the 5 retries are answered with the original acknowledgement
      And the regions agree within 2 s
      And every region counts 1 write to article-1 "click", scoring 1.0 within 0.001

  Rule: A key names one write: the same key for another write is refused, and nothing is written

    Scenario Outline: The same key with <difference> is refused
      Given a client wrote a click of weight 1 to article-2 with idempotency key "order-2"
      When a client tries to write a click of weight <weight> to <entity> with idempotency key "order-2"
      Then the write is refused as reusing idempotency key "order-2" for another write
      And the regions agree within 2 s
      And every region counts 1 write to article-2 "click", scoring 1.0 within 0.001
      And no region holds any write to article-3 "click"

      Examples:
        | difference     | weight | entity    |
        | another weight | 5      | article-2 |
        | another entity | 1      | article-3 |

  # @simulator-only: delivers every message twice
  @replication
  @simulator-only
  Rule: A write delivered twice by the network counts once

    Scenario: Every message to eu-west arrives twice; each write counts once
      Given the link from us-east to eu-west delivers every message twice
      And a client wrote a click of weight 1 to article-4 with idempotency key "order-4"
      When a client writes a click of weight 2 to article-4 with idempotency key "order-5"
      Then the regions agree within 2 s
      And eu-west received messages twice and counted each write once
      And every region counts 2 writes to article-4 "click", scoring 3.0 within 0.001

  @failover
  Rule: A retry after a failover is recognised by the new leader

    Scenario: A retry reaches the new leader after a failover and counts once
      Given a client wrote a click of weight 1 to article-5 with idempotency key "order-6"
      And every region has caught up
      And the shard holding article-5 failed over to eu-west
      When a client retries a click of weight 1 to article-5 through ap-south with idempotency key "order-6" 1 time
      Then the 1 retry is answered with the original acknowledgement
      And the regions agree within 2 s
      And every region counts 1 write to article-5 "click", scoring 1.0 within 0.001
