@phase-8.6
@routing
Feature: Entities spread evenly over the shards and stay on their shard
  Every region places an entity on its shard the same way, from the entity's id alone (the published hashes
  FNV-1a 64 and jump consistent hash; conformance/routing.json pins their exact outputs). So load spreads
  evenly over the shards, an entity keeps its shard when the cluster is rebuilt alike, and adding a shard
  moves only the entities the new shard takes over.

  Rule: Entities spread evenly over the shards

    @smoke
    Example: 10,000 entities spread over 8 shards, each shard within 10% of the mean of 1,250
      Given a cluster of regions us-east, eu-west with 8 shards each, led from us-east
      When a client writes 10000 views across 10000 entities
      Then every shard holds within 10% of the mean number of entities
      And the regions agree within 5 s
      And every region holds 10000 writes

  # @simulator-only: asks the rebuilt cluster's router where entities it never received would go
  @simulator-only
  Rule: An entity keeps its shard when the cluster is rebuilt with the same regions and shards

    Example: 1,000 entities are placed on the same shards after a rebuild
      Given a cluster of regions us-east, eu-west, ap-south with 4 shards each, led from us-east
      And a client wrote 1000 views across 1000 entities
      When the cluster is rebuilt with the same regions and shards
      Then every entity written before the rebuild is placed on the shard it was on

  # @simulator-only: asks the rebuilt cluster's router where entities it never received would go
  @simulator-only
  Rule: Growing from n to n+1 shards moves about 1 in n+1 of the entities, each to the new shard
    Jump consistent hash moves an entity only when the new shard takes it over: of 10,000 entities, growing
    from 4 to 5 shards should move about 10,000 / 5 = 2,000 (20%), from 8 to 9 about 1,111 (11.1%). The
    bounds allow 2 points either way for the luck of the draw.

    Scenario Outline: Growing from <n> to <n+1> shards moves about <share> of 10,000 entities
      Given a cluster of regions us-east, eu-west with <n> shards each, led from us-east
      And a client wrote 10000 views across 10000 entities
      When the cluster is rebuilt with <n+1> shards each
      Then between <low>% and <high>% of the entities written before the rebuild are placed on another shard
      And every entity that moved is placed on the new shard <n>

      Examples:
        | n | n+1 | share        | low | high |
        | 4 | 5   | 1 in 5 (20%) | 18  | 22   |
        | 8 | 9   | 1 in 9 (11%) | 9   | 13   |
