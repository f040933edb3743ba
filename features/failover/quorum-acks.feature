@phase-8.6 @failover
Feature: Under quorum acks, no committed write is lost when the leader fails over
  With writes committed once a majority of a shard's regions applied them, promoting a new leader keeps
  every committed write in every region; a write the old leader took but could not commit is reported to its client as not committed.

  Background:
    Given writes are committed once a majority of regions applied them

  Scenario: The leader is cut off and replaced: every committed write survives, the uncommitted ones are reported
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes 20 clicks across 5 entities
    And the regions agree within 2 s
    And 100 ms pass
    Then 20 writes are committed
    And every write's acknowledgement names the "quorum" ack policy
    When us-east is cut off from eu-west and ap-south
    And a client writes 3 clicks to article-9
    And 1 s passes
    Then 3 writes are still waiting for a majority
    When shard 0 fails over
    And a client writes 5 views across 5 entities
    And every link heals
    Then the regions agree within 2 s
    And eu-west leads shard 0 in epoch 2
    And us-east follows eu-west on shard 0 in epoch 2
    When 100 ms pass
    Then 25 writes are committed
    And 3 writes were reported to their clients as not committed
    And every committed write is present in every region
    And every entity scores the same in every region

  Scenario: A write commits while a minority of regions is down
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When ap-south crashes
    And a client writes 10 clicks to article-1
    And 100 ms pass
    Then 10 writes are committed
    When ap-south restarts
    Then the regions agree within 2 s
    And every committed write is present in every region

  Scenario: A failover that could lose a committed write is refused until enough followers are back
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes 10 clicks to article-1
    And the regions agree within 2 s
    And 100 ms pass
    And ap-south crashes
    And us-east is cut off from eu-west and ap-south
    And shard 0 tries to fail over to eu-west
    Then the failover is refused: "only 1 of shard 0's followers are up; under quorum acks 2 must be"
    When ap-south restarts
    And shard 0 fails over to eu-west
    And every link heals
    Then the regions agree within 2 s
    And eu-west leads shard 0 in epoch 2
    And 10 writes are committed
    And every committed write is present in every region
