@phase-8.6 @idempotency
Feature: An idempotency key is held for exactly its retention window
  A key answers retries for the retention window, measured in cluster time from the first write,
  and is free from the instant the window ends: a write that reuses it then counts as a new write.

  Background:
    Given idempotency keys are kept for 10 minutes
    And a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east

  Scenario: After the retention window the key is free and a write with it counts again
    When a client writes a click of weight 1.0 to article-1 with idempotency key "order-1"
    And 10 minutes pass
    And a client writes a click of weight 1.0 to article-1 with idempotency key "order-1"
    Then the write with idempotency key "order-1" counts as a new write
    And the regions agree within 2 s
    And every region counts 2 writes to article-1 "click", scoring 1.891 within 0.001

  Scenario: Expiry is exact: the key is held one millisecond before the window ends and free at its end
    When a client writes a click of weight 1.0 to article-2 with idempotency key "order-2"
    And 599999 ms pass
    And a client writes a click of weight 1.0 to article-2 with idempotency key "order-2"
    Then the write with idempotency key "order-2" is answered as a retry
    When 1 ms passes
    And a client writes a click of weight 1.0 to article-2 with idempotency key "order-2"
    Then the write with idempotency key "order-2" counts as a new write
    And the regions agree within 2 s
    And every region counts 2 writes to article-2 "click", scoring 1.891 within 0.001

  Scenario: A retry within the window, from another region, is still recognised
    When a client writes a click of weight 1.0 to article-3 with idempotency key "order-3"
    And 9 minutes pass
    And a client in ap-south sends a click of weight 1.0 to article-3 with idempotency key "order-3" 2 more times
    Then the 2 retries of key "order-3" are answered with the original acknowledgement
    And the regions agree within 2 s
    And every region counts 1 write to article-3 "click", scoring 0.901 within 0.001
