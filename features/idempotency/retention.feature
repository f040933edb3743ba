@phase-8.6
@idempotency
Feature: An idempotency key is kept for exactly its retention window
  A key answers retries for the retention window, counted in cluster time from the first write, and is free from the
  instant the window ends: a write that reuses it then counts as a new write. Keys here are kept for 10 minutes.

  A click's half-life is 1 hour, so a click written 9 minutes ago scores 2^(-9/60) = 0.901, one written 10 minutes
  ago scores 2^(-10/60) = 0.891, and with a new click beside it 1.891.

  Background:
    Given idempotency keys are kept for 10 minutes
    And a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east

  @decay
  Rule: A retry within the window, through any region, is answered with the original acknowledgement and counts once

    @smoke
    Scenario: A retry through another region 9 minutes later counts once
      Given a client wrote a click of weight 1 to article-3 with idempotency key "order-3"
      And 9 minutes pass
      When a client retries a click of weight 1 to article-3 through ap-south with idempotency key "order-3" 2 times
      Then the 2 retries are answered with the original acknowledgement
      And the regions agree within 2 s
      And every region counts 1 write to article-3 "click", scoring 0.901 within 0.001

  # @simulator-only: the window ends by the node's clock, to the millisecond, after 10 minutes a real run does not wait
  @decay
  @simulator-only
  Rule: The key is kept until the window ends, to the millisecond, and is free from then on

    Scenario Outline: A write that reuses the key <when>
      Given a client wrote a click of weight 1 to article-2 with idempotency key "order-2"
      And <time> pass
      When a client writes a click of weight 1 to article-2 with idempotency key "order-2"
      Then the write <answer>
      And the regions agree within 2 s
      And every region counts <writes> to article-2 "click", scoring <score> within 0.001

      Examples:
        | when                                 | time       | answer                                        | writes   | score |
        | 1 millisecond before the window ends | 599999 ms  | is answered with the original acknowledgement | 1 write  | 0.891 |
        | when the window ends                 | 10 minutes | counts as a new write                         | 2 writes | 1.891 |
