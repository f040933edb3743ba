@phase-8.6 @routing
Feature: Each tenant sees only its own data
  Tenants may use the same entity ids; a read through one tenant returns only that tenant's scores,
  and a tenant that reaches for data on another tenant's shards is refused, never answered.

  Scenario: Two tenants write the same entity id and neither sees the other's scores
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
    When tenant acme writes a click of weight 3.0 to article-1
    And tenant globex writes a click of weight 5.0 to article-1
    And the regions agree within 2 s
    Then tenant acme reads article-1 "click" as 3.0 within 0.001 in every region
    And tenant globex reads article-1 "click" as 5.0 within 0.001 in every region
    And tenant initech has no score for article-1 "click" in any region
    And us-east has no score for article-1 "click"

  Scenario: A read across tenants is refused with an error, never answered with data
    Given tenant acme is placed in us-east on shards 0 and 1
    And tenant globex is placed in eu-west on shards 2 and 3
    And a cluster of regions us-east, eu-west with 4 shards each, led from us-east
    When tenant globex writes a click of weight 5.0 to article-1
    And tenant globex writes a click of weight 2.0 to article-2
    And tenant acme writes a click of weight 1.0 to article-1
    And the regions agree within 2 s
    Then every write of tenant globex landed on shards 2 and 3
    And every write of tenant acme landed on shards 0 and 1
    When tenant acme tries to read article-1 "click" on shard 2 in eu-west
    Then the read is refused as tenant acme reaching into tenant globex's data
    When tenant acme tries to read article-2 "click" on shard 3 in us-east
    Then the read is refused as tenant acme reaching into tenant globex's data
    And tenant acme reads article-1 "click" as 1.0 within 0.001 in every region
    And tenant globex reads article-1 "click" as 5.0 within 0.001 in every region
