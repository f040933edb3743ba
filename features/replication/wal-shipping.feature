@phase-8.6
@task-01
@replication
Feature: Writes replicate from each shard's leader to every region
  A write acknowledged by a shard's leader reaches that shard's copy in every region, in the
  leader's order, and every region then gives every entity the same score.

  @regions
  @writes
  Rule: Every region holds every write, in its leader's order, and scores every entity the same

    Scenario Outline: <regions> regions with <shards> shards each hold all 400 writes
      400 clicks spread over 100 entities: 4 clicks each, on every shard.

      Given a cluster of <regions> regions with <shards> shards each
      When a client writes 400 clicks across 100 entities
      Then the regions agree within 2 s
      And every region holds 400 writes
      And every region holds each shard's writes in its leader's order
      And every entity scores the same in every region

      @smoke
      Examples: the smallest cluster
        | regions | shards |
        | 2       | 1      |

      Examples: more regions and shards
        | regions | shards |
        | 3       | 4      |
        | 4       | 8      |

  @partitions
  Rule: A region the leader cannot reach lags behind while the others keep up, and catches up once the link heals

    Background:
      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      And the link between us-east and ap-south is cut

    Scenario: The cut-off region lags by every write while the other region keeps up
      When a client writes 50 clicks across 10 entities
      Then eu-west catches up within 1 s
      And ap-south lags by 50 writes

    Scenario: The cut-off region catches up after the heal
      Given a client wrote 50 clicks across 10 entities
      When the link between us-east and ap-south heals
      Then the regions agree within 2 s
      And every region holds 50 writes
      And every entity scores the same in every region
