@phase-8.6 @task-01 @harness
Feature: A simulated multi-region cluster for acceptance testing
  Every Phase 8.6 promise is checked on a simulated tidalDB cluster: real replicas in several
  regions, connected only through the replication transport, in virtual time, replayable from a seed.

  Scenario Outline: A cluster of <regions> regions with <shards> shards each starts every replica
    Given a cluster of <regions> regions with <shards> shards each
    When 100 ms pass
    Then the cluster has <replicas> replicas
    And every follower is connected to its shard's leader

    Examples:
      | regions | shards | replicas |
      | 2       | 1      | 2        |
      | 3       | 4      | 12       |
      | 5       | 2      | 10       |

  Scenario: The cluster has a single leader and a follower in every other region
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    Then the leader is in us-east
    And eu-west has a follower
    And ap-south has a follower
    And us-east has no follower

  Scenario: A write goes through the leader and is acknowledged at once
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    When a client writes a click of weight 1.0 to article-42
    Then the write is acknowledged by us-east with sequence number 1 in epoch 1

  Scenario: Waiting for convergence returns once every follower has caught up
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    When a client writes 25 views across 25 entities
    Then the regions agree within 2 s
    And every follower lags by 0 writes

  Scenario: A region's score is read from that region's own replica
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And the link between us-east and eu-west is cut
    When a client writes a click of weight 2.0 to article-7
    Then us-east scores article-7 "click" at 2.0
    And eu-west has no score for article-7 "click"

  Scenario: Traffic between two regions is dropped while a partition is live, and flows once it heals
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And the link between us-east and eu-west is cut
    When a client writes 5 clicks to article-1
    And 2 s pass
    Then eu-west holds 0 writes
    When the link between us-east and eu-west heals
    Then the regions agree within 2 s
    And eu-west holds 5 writes

  Scenario: Healing all partitions restores every link
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    And the link between us-east and eu-west is cut
    And the link between us-east and ap-south is cut
    When a client writes 3 clicks to article-1
    And every link heals
    Then the regions agree within 2 s
    And every region holds 3 writes

  @smoke
  Scenario: Smoke: two regions, ten writes, converged within two seconds, equal scores
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    When a client writes 10 clicks to article-42
    Then the regions agree within 2 s
    And article-42 "click" scores the same in us-east and eu-west
    And us-east scores article-42 "click" at 10.0 within 0.001
