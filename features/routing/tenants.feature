@phase-8.6
@routing
Feature: Each tenant sees only its own data
  Tenants may use the same entity ids: a read through one tenant returns only that tenant's scores, a
  tenant's writes land only on its own shards, and a request that reaches another tenant's shard is
  refused, never answered, through partitions and failovers alike.

  @tenants
  Rule: The same entity id under two tenants is two entities

    Example: Two tenants write to article-1 and each sees only its own clicks
      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      And tenant acme wrote a click of weight 3 to article-1
      When tenant globex writes a click of weight 5 to article-1
      Then the regions agree within 2 s
      And in every region, article-1 scores these clicks:
        | tenant  | clicks |
        | acme    | 3.0    |
        | globex  | 5.0    |
        | initech | none   |
      And us-east has no score for article-1 "click"

  @tenants
  Rule: A tenant's data lives only on its own shards; a request that reaches another tenant's shard is refused
    acme is placed in us-east on shards 0 and 1, globex in eu-west on shards 2 and 3.

    Background:
      Given these tenants are placed:
        | tenant | home    | shards |
        | acme   | us-east | 0, 1   |
        | globex | eu-west | 2, 3   |
      And a cluster of regions us-east, eu-west with 4 shards each, led from us-east

    Example: Every write of a tenant lands on its own shards
      Given tenant acme wrote 20 clicks across 20 entities
      When tenant globex writes 20 clicks across 20 entities
      Then every write of tenant globex landed on shards 2 and 3
      And every write of tenant acme landed on shards 0 and 1

    Scenario Outline: A read of another tenant's shard <shard> in <region> is refused, never answered with data
      Given tenant globex wrote a click of weight 5 to article-1
      When tenant acme tries to read article-1 "click" on shard <shard> in <region>
      Then the read is refused as tenant acme reaching into tenant globex's data
      And in every region, article-1 scores these clicks:
        | tenant | clicks |
        | acme   | none   |

      Examples:
        | shard | region  |
        | 2     | eu-west |
        | 3     | us-east |

    # @simulator-only: delivers a write to a replica past the routing
    @simulator-only
    Example: A write of one tenant that reaches another tenant's shard is refused and writes nothing
      A client's request can be misrouted (a stale routing table, a bug in a gateway); the replica checks the tenant itself.

      Given tenant globex wrote a click of weight 5 to article-1
      When a click of tenant acme to article-1 reaches the replica of shard 2 in us-east
      Then the write is refused as tenant acme reaching into tenant globex's data
      And the regions agree within 2 s
      And in every region, article-1 scores these clicks:
        | tenant | clicks |
        | acme   | none   |
        | globex | 5.0    |

  # @simulator-only: needs eu-west still behind at the instant of the read (real links replicate at once)
  @tenants
  @sessions
  @simulator-only
  Rule: A tenant's session reads its own writes, and only its tenant's

    Example: A session of acme in eu-west reads its own click from the leader, not globex's clicks
      eu-west has not caught up with the session's write yet, so the session reads it from the shard's leader.

      Given a cluster of regions us-east, eu-west with 2 shards each, led from us-east
      And tenant globex wrote a click of weight 5 to article-1
      And a session of tenant acme in eu-west that redirects stale reads to the leader
      And the session of tenant acme wrote a click of weight 1 to article-1
      When the session of tenant acme reads article-1 "click"
      Then the read returns 1.0 clicks, served by us-east

  @tenants
  @partitions
  Rule: Tenants stay apart through a partition and its heal

    Background:
      Given regions cut off from the leader accept writes locally
      And these tenants are placed:
        | tenant | home    | shards |
        | acme   | us-east | 0, 1   |
        | globex | eu-west | 2, 3   |
      And a cluster of regions us-east, eu-west with 4 shards each, led from us-east

    Example: Writes both tenants made on either side of a cut stay each tenant's own after the heal
      Given the link between us-east and eu-west is cut
      And tenant acme wrote a click of weight 1 to article-1
      And tenant globex wrote a click of weight 5 to article-1 through eu-west
      When every link heals
      Then the regions agree within 2 s
      And in every region, article-1 scores these clicks:
        | tenant | clicks |
        | acme   | 1.0    |
        | globex | 5.0    |

  @tenants
  @failover
  Rule: Tenants stay apart through a failover

    Background:
      Given these tenants are placed:
        | tenant | home    | shards |
        | acme   | us-east | 0, 1   |
        | globex | eu-west | 2, 3   |
      And a cluster of regions us-east, eu-west with 4 shards each, led from us-east

    Example: After globex's shard fails over to eu-west, each tenant still reads only its own clicks
      Given tenant acme wrote a click of weight 1 to article-1
      And tenant globex wrote a click of weight 5 to article-1
      And the regions agree within 2 s
      When the shard holding tenant globex's article-1 fails over to eu-west
      Then eu-west leads the shard holding tenant globex's article-1
      And in every region, article-1 scores these clicks:
        | tenant | clicks |
        | acme   | 1.0    |
        | globex | 5.0    |
