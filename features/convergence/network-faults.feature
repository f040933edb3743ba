@phase-8.6 @convergence
Feature: Every region converges over a lossy, duplicating, reordering and corrupting network
  Replication tolerates a bad network: lost messages are resent, duplicates are applied once,
  reordered batches are put back in order and corrupted ones are refused and resent.

  Scenario Outline: Regions converge under 20% loss, 10% duplication and reordering (seed <seed>)
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the network drops 20% of messages, duplicates 10% and reorders them
    When a client writes 300 clicks across 30 entities, one every 5 ms
    Then the regions agree within 5 s
    And every region holds 300 writes
    And every entity scores the same in every region
    And every follower holds each shard's log in the leader's order
    And the network lost and duplicated messages along the way

    Examples:
      | seed |
      | 42   |

    @seed-7
    Examples:
      | seed |
      | 7    |

    @seed-1234
    Examples:
      | seed |
      | 1234 |

  Scenario: Corrupted messages are refused and resent until every region converges
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    And the network corrupts a byte in 10% of messages
    When a client writes 200 views across 20 entities, one every 5 ms
    Then the regions agree within 5 s
    And replicas refused the corrupted messages they received
    And every region holds 200 writes
    And every entity scores the same in every region

  Scenario: Writes accepted on both sides of a partition converge over a lossy network
    Given regions cut off from the leader accept writes locally
    And a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    And the network drops 20% of messages, duplicates 10% and reorders them
    And the link between us-east and eu-west is cut
    When clients write 20 "click" signals to article-42 through each of us-east, eu-west and ap-south, one every 25 ms
    And the link between us-east and eu-west heals
    Then the regions agree within 5 s of the heal
    And every region scores article-42 "click" as one replica applying every write once would
    And every region counts 60 writes to article-42 "click", 0 of them retractions, and agrees on the last write
