@phase-8.6 @failover
Feature: Under leader acks, a failover loses exactly the writes the old leader had not replicated
  With writes acknowledged as soon as the leader logged them (the default), a write is fast but only as safe as
  its leader: if the leader is replaced before a write reached another region, that write is lost, and the suite names it.

  Scenario: The leader is cut off, acknowledges three writes, and a failover loses exactly those three
    Given writes are acknowledged as soon as the leader logged them
    And a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes 10 clicks across 5 entities
    And the regions agree within 2 s
    And us-east is cut off from eu-west and ap-south
    And a client writes a click of weight 2.0 to article-41
    And a client writes a view of weight 3.0 to article-42
    And a client writes a click of weight -1.0 to entity-0
    And shard 0 fails over to eu-west
    And a client writes a click of weight 4.0 to article-43
    And every link heals
    Then the regions agree within 2 s
    And exactly these acknowledged writes were lost in the failover:
      | entity     | signal | weight | sequence number | acknowledged by |
      | article-41 | click  | 2      | 11              | us-east         |
      | article-42 | view   | 3      | 12              | us-east         |
      | entity-0   | click  | -1     | 13              | us-east         |
    And every acknowledged write that was not lost is present in every region
    And every write's acknowledgement names the "leader" ack policy
    And us-east has no score for article-41 "click"
    And eu-west scores article-43 "click" at 4.0 within 0.001
    And every entity scores the same in every region

  Scenario: A failover after every region caught up loses nothing
    Given writes are acknowledged as soon as the leader logged them
    And a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
    When a client writes 30 clicks across 10 entities
    And the regions agree within 2 s
    And shard 0 fails over to ap-south
    And a client writes 5 clicks across 5 entities
    Then the regions agree within 2 s
    And no acknowledged write was lost
    And ap-south leads shard 0 in epoch 2
    And us-east follows ap-south on shard 0 in epoch 2
    And every region holds 35 writes
