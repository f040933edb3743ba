@phase-8.6 @task-01 @replication
Feature: Writes replicate from each shard's leader to every region
  A write acknowledged by a shard's leader reaches that shard's replica in every region, in the
  leader's order, and every region then reports the same decay score for it.

  Scenario Outline: <regions> regions × <shards> shards replicate writes for many entities
    Given a cluster of <regions> regions with <shards> shards each
    When a client writes 400 clicks across 100 entities
    Then the regions agree within 2 s
    And every region holds 400 writes
    And every entity scores the same in every region

    Examples:
      | regions | shards |
      | 2       | 1      |
      | 3       | 4      |
      | 4       | 8      |

  Scenario: Each follower applies a shard's writes in the leader's order
    Given a cluster of 3 regions with 4 shards each
    When a client writes 300 views across 40 entities
    Then the regions agree within 2 s
    And every follower holds each shard's log in the leader's order

  Scenario: A partitioned region lags while the others converge, then catches up after the heal
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the link between us-east and ap-south is cut
    When a client writes 50 clicks across 10 entities
    And 1 s passes
    Then eu-west lags by 0 writes
    And ap-south lags by 50 writes
    When the link between us-east and ap-south heals
    Then the regions agree within 2 s
    And every entity scores the same in every region

  Scenario: Waiting for convergence past its deadline fails and names the lagging replicas
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And the link between us-east and eu-west is cut
    When a client writes 10 clicks to article-1
    And the cluster is awaited for convergence for 500 ms
    Then waiting fails with a convergence timeout
    And the timeout names eu-west/0 lagging 10 events
    And the timeout names the seed

  Scenario: A decay score halves after one half-life and matches across regions
    Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes a click of weight 8.0 to article-9
    And the regions agree within 2 s
    And the scores of article-9 "click" in every region are noted
    And 1 hour passes
    Then every region scores article-9 "click" at half its noted score
    And article-9 "click" scores the same in us-east, eu-west and ap-south
