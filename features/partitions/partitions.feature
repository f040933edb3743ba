@phase-8.6
@partitions
Feature: Writes keep flowing while regions are cut off, and cut-off regions catch up
  While a region is cut off, the leader keeps acknowledging writes, and the lag gauge shows how far
  and for how long the region falls behind; once the link heals the region catches up and every
  score matches.

  @replication
  Rule: The leader keeps acknowledging writes while a region is cut off, and the lag gauge shows how far and how long it falls behind

    Background:
      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      And the link between us-east and eu-west is cut

    Scenario: The leader acknowledges every write while eu-west is cut off
      When a client writes 40 clicks across 8 entities, one every 10 ms
      Then the leader in us-east acknowledged all 40 writes
      And the lag gauge shows eu-west behind by 40 writes for at least 300 ms
      And the lag gauge shows ap-south caught up

    Scenario: The gap grows for as long as the cut lasts
      60 writes over 600 ms, then a second: eu-west has missed the first for 1.6 s.

      Given a client wrote 60 clicks across 8 entities, one every 10 ms
      When 1 s passes
      Then the lag gauge shows eu-west behind by 60 writes for at least 1.5 s

    @smoke
    @real-smoke
    Scenario: eu-west catches up after the heal, in the leader's order
      Given a client wrote 60 clicks across 8 entities, one every 10 ms
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And the lag gauge shows eu-west caught up
      And every region holds each shard's writes in its leader's order

  Rule: Regions cut off at the same time all catch up

    Background:
      Given a cluster of regions us-east, eu-west, ap-south, us-west with 2 shards each, led from us-east
      And us-east is cut off from eu-west and ap-south
      And a client wrote 100 views across 20 entities, one every 5 ms

    Scenario: Both cut-off regions fall behind while the connected one keeps up
      When 500 ms pass
      Then the lag gauge shows eu-west behind by 100 writes for at least 500 ms
      And the lag gauge shows ap-south behind by 100 writes for at least 500 ms
      And the lag gauge shows us-west caught up

    Scenario: Both cut-off regions catch up after the heal
      When every link heals
      Then the regions agree within 2 s of the heal
      And every region holds 100 writes
      And every entity scores the same in every region

  Rule: A link that keeps failing and recovering still delivers every write

    Scenario: A link cut ten times while writes flow still delivers all of them
      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      And the link between us-east and eu-west flaps 10 times, down for 200 ms and up for 100 ms each time
      When a client writes 150 clicks across 15 entities, one every 20 ms
      Then the link between us-east and eu-west was cut 10 times
      And the regions agree within 2 s of the heal
      And every region holds 150 writes
