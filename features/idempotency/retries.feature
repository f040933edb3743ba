@phase-8.6 @idempotency
Feature: A retried write counts once in every region
  A client may send a write again with the same idempotency key — after a lost acknowledgement, a
  duplicated delivery or a failover — and every region counts it once; a key reused for another write is refused.

  Scenario: A write retried five times after its acknowledgement was lost counts once in every region
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the link from us-east to eu-west is cut
    When a client in eu-west tries to write a click of weight 1.0 to article-1 with idempotency key "order-1"
    Then the client gets no acknowledgement, though the leader applied the write
    When the link from us-east to eu-west heals
    And a client in eu-west sends a click of weight 1.0 to article-1 with idempotency key "order-1" 5 more times
    Then the 5 retries of key "order-1" are answered with the original acknowledgement
    And the regions agree within 2 s
    And every region counts 1 write to article-1 "click", scoring 1.0 within 0.001

  Scenario: The same key with another weight, or for another entity, is refused and nothing is written
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    When a client writes a click of weight 1.0 to article-2 with idempotency key "order-2"
    And a client tries to write a click of weight 5.0 to article-2 with idempotency key "order-2"
    Then the write is refused as an idempotency conflict on key "order-2"
    When a client tries to write a click of weight 1.0 to article-3 with idempotency key "order-2"
    Then the write is refused as an idempotency conflict on key "order-2"
    And the regions agree within 2 s
    And every region counts 1 write to article-2 "click", scoring 1.0 within 0.001
    And no region holds any write to article-3 "click"

  Scenario: A keyed write whose replication batch is delivered twice is counted once
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And every replication batch from us-east to eu-west is delivered twice
    When a client writes a click of weight 1.0 to article-4 with idempotency key "order-4"
    And a client writes a click of weight 2.0 to article-4 with idempotency key "order-5"
    And 1 s passes
    Then eu-west ignored the duplicate batches it received
    And the regions agree within 2 s
    And every region counts 2 writes to article-4 "click", scoring 3.0 within 0.001

  Scenario: A retry after a failover is still recognised by the new leader
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes a click of weight 1.0 to article-5 with idempotency key "order-6"
    And the regions agree within 2 s
    And the shard holding article-5 fails over to eu-west
    And a client in ap-south sends a click of weight 1.0 to article-5 with idempotency key "order-6" 1 more time
    Then the 1 retry of key "order-6" is answered with the original acknowledgement
    And the regions agree within 2 s
    And every region counts 1 write to article-5 "click", scoring 1.0 within 0.001
