@phase-8.6 @routing
Feature: Entities spread evenly over the shards and stay on their shard
  Every node maps an entity to its shard with the same published hashes (FNV-1a 64, jump hash), so load
  spreads evenly over the shards and an entity keeps its shard when the cluster is rebuilt alike.

  Scenario: 10,000 entities spread over 8 shards within 10% of the mean
    Given a cluster of regions us-east, eu-west with 8 shards each, led from us-east
    When a client writes 10000 views across 10000 entities
    And the regions agree within 5 s
    Then the shards hold these numbers of entities:
      | shard | entities |
      | 0     | 1276     |
      | 1     | 1263     |
      | 2     | 1250     |
      | 3     | 1211     |
      | 4     | 1254     |
      | 5     | 1273     |
      | 6     | 1233     |
      | 7     | 1240     |
    And every shard holds within 10% of the mean number of entities

  Scenario: Entities keep their shard when the cluster is rebuilt with the same topology
    Given a cluster of regions us-east, eu-west, ap-south with 4 shards each, led from us-east
    When a client writes 1000 views across 1000 entities
    And the regions agree within 2 s
    And the shard of every written entity is noted
    And the cluster is rebuilt with the same topology
    And a client writes 1000 views across 1000 entities
    Then every written entity lands on its noted shard
    And the regions agree within 2 s
