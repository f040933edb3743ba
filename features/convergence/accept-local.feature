@phase-8.6
@convergence
Feature: Writes accepted locally on both sides of a cut reconcile to one answer
  A region cut off from its shard's leader can keep taking writes and say so in the
  acknowledgement ("accepted locally"). Once the link heals every region agrees, as if one copy had
  held every write exactly once.

  @partitions
  Rule: A region cut off from the leader keeps taking writes and acknowledges them as accepted locally

    Scenario: Writes through the cut-off region are accepted locally, those through the leader are not
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And the link between us-east and eu-west is cut
      When clients write 10 clicks to article-42 through each of us-east and eu-west, one every 50 ms
      Then the 10 writes through eu-west were acknowledged as accepted locally
      And the 10 writes through us-east were acknowledged by the leader

  @crdt-merge
  @reconciliation
  Rule: After the heal every region scores as one copy holding every write once would

    @smoke
    Scenario: Both sides of the cut write the same entity and agree after the heal
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And the link between us-east and eu-west is cut
      And clients wrote 10 clicks to article-42 through each of us-east, eu-west and ap-south, one every 50 ms
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And every region scores article-42 as one copy holding its 30 clicks once would

    # @simulator-only: counts the retractions in each region's merged state
    @simulator-only
    Scenario: A retraction accepted locally is taken into account after the heal
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And the link between us-east and eu-west is cut
      And clients wrote 10 clicks to article-42 through each of us-east and eu-west, one every 50 ms
      And a client wrote a click of weight -1 to article-42 through eu-west
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And every region scores article-42 as one copy holding its 21 clicks once would
      And every region counts 1 of those clicks as a retraction

    Scenario: Two cut-off regions and the leader all write, on two shards, and agree after the heal
      article-7 is written on all three sides of the cut; article-8 only by the two cut-off regions.

      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east, where a region cut off from the leader accepts writes locally
      And us-east is cut off from eu-west and ap-south
      And clients wrote 8 views to article-7 through each of us-east, eu-west and ap-south, one every 30 ms
      And clients wrote 8 views to article-8 through each of eu-west and ap-south, one every 30 ms
      When every link heals
      Then the regions agree within 2 s of the heal
      And every region scores article-7 as one copy holding its 24 views once would
      And every region scores article-8 as one copy holding its 16 views once would

  # @simulator-only: counts the bytes reconciliation shipped
  @reconciliation
  @simulator-only
  Rule: After a short cut, the regions exchange what changed, not everything they hold

    Scenario: A cut of a few writes to one entity ships less than 5% of the whole state
      1000 entities are written before the cut; during it only article-1 changes.

      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And a client wrote 2000 views across 1000 entities, which every region holds
      And the link between us-east and eu-west is cut
      And clients wrote 5 views to article-1 through each of us-east and eu-west, one every 20 ms
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And reconciliation after the heal shipped less than 5% of the whole state
      And every region scores article-1 as one copy holding its 10 views once would

  @idempotency
  Rule: An idempotency key is known only on the side of the cut that accepted its write

    @known-limit
    Scenario: A keyed retry of a locally accepted write counts again on the other side of a cut
      The client's first try reached eu-west, cut off from the leader; its retry reached us-east,
      which had never seen the key. After the heal the click counts twice, in every region.

      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And the link between us-east and eu-west is cut
      And a client wrote a click of weight 1 to article-1 through eu-west with idempotency key "order-7"
      And the client retried that write through us-east
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And article-1 scores 2.0 clicks in every region
