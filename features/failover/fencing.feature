@phase-8.6 @failover
Feature: A deposed leader is fenced and rejoins as a follower
  After a failover the shard's epoch moves on: whatever the old leader still sends from its old epoch is refused by
  every region, and once it learns of the new epoch it steps down, drops the writes only it had, and follows the new leader.

  Scenario: The old leader comes back after a failover; its stale batches are refused and it rejoins as a follower
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes 10 clicks across 5 entities
    And the regions agree within 2 s
    And us-east is cut off from eu-west and ap-south
    And a client writes 3 clicks to article-7
    And shard 0 fails over to eu-west
    And a client writes 4 views across 2 entities
    And us-east can reach eu-west and ap-south again but still hears nothing from them
    And 1 s passes
    Then eu-west and ap-south refused us-east's batches as coming from a stale epoch
    And us-east still believes it leads shard 0 in epoch 1
    When every link heals
    Then the regions agree within 2 s
    And us-east follows eu-west on shard 0 in epoch 2
    And us-east dropped the 3 writes only it had
    And every acknowledged write that was not lost is present in every region
    And every entity scores the same in every region

  @durable
  Scenario: The old leader crashes, a failover happens, and on restart it rejoins as a follower without its unreplicated writes
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes 10 clicks across 5 entities
    And the regions agree within 2 s
    And us-east is cut off from eu-west and ap-south
    And a client writes 3 clicks to article-7
    And us-east crashes
    And every link heals
    And shard 0 fails over to eu-west
    And a client writes 4 views across 2 entities
    And us-east restarts
    Then us-east recovered 13 events from its log
    And us-east follows eu-west on shard 0 in epoch 2
    And us-east dropped the 3 writes only it had
    And the regions agree within 2 s
    And every region holds 14 writes
    And every acknowledged write that was not lost is present in every region
