# @simulator-only: duplicated, reordered and corrupted messages and exact loss rates (iptables can drop, not duplicate, reorder or corrupt)
@phase-8.6
@convergence
@simulator-only
Feature: Every region converges over a network that loses, duplicates, reorders and corrupts messages
  Replication tolerates a bad network: lost messages are resent, duplicates are held once,
  reordered writes are put back in order, and corrupted messages are refused and resent.

  @replication
  Rule: Lost, duplicated and reordered messages still leave every region with every write once, in order

    Scenario Outline: 300 writes over a network that loses 20% of messages and duplicates 10% (seed <seed>)
      Each seed draws a different pattern of lost, duplicated and reordered messages.

      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      And the network drops 20% of messages, duplicates 10% and reorders them
      When a client writes 300 clicks across 30 entities, one every 5 ms
      Then the regions agree within 5 s
      And every region holds 300 writes
      And every region holds each shard's writes in its leader's order
      And the network lost and duplicated messages along the way

      Examples: the default seed
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

  @replication
  Rule: Corrupted messages are refused and resent until every region holds every write

    Scenario: One message in ten has a corrupted byte
      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      And the network corrupts a byte in 10% of messages
      When a client writes 200 views across 20 entities, one every 5 ms
      Then the regions agree within 5 s
      And the regions refused the corrupted messages they received
      And every region holds 200 writes

  @partitions
  @crdt-merge
  Rule: Writes accepted locally on both sides of a cut converge over a bad network too

    Scenario: Three regions write one entity across a cut, over a network that loses and duplicates messages
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And the network drops 20% of messages, duplicates 10% and reorders them
      And the link between us-east and eu-west is cut
      And clients wrote 20 clicks to article-42 through each of us-east, eu-west and ap-south, one every 25 ms
      When the link between us-east and eu-west heals
      Then the regions agree within 5 s of the heal
      And every region scores article-42 as one copy holding its 60 clicks once would
