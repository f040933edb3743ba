@phase-8.6
@partitions
Feature: One-way cuts: a region that can only hear, or can only be heard
  When messages flow in one direction only, replication still copes: a follower the leader cannot
  reach catches up after the heal, and a follower that cannot answer still holds every write once.

  Rule: A follower the leader cannot reach falls behind, and catches up when the link heals

    Background:
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      And the link from us-east to eu-west is cut
      And a client wrote 30 clicks to article-1

    Scenario: eu-west falls behind while the leader cannot reach it
      When 2 s pass
      Then eu-west holds 0 writes
      And the lag gauge shows eu-west behind by 30 writes for at least 2 s

    # @simulator-only: reads what the leader heard each follower confirm
    @simulator-only
    Scenario: eu-west catches up, and the leader hears it confirm, after the heal
      When the link from us-east to eu-west heals
      Then the regions agree within 2 s of the heal
      And the leader hears eu-west confirm 30 writes within 100 ms
      And article-1 scores the same in every region

  # @simulator-only: reads what the leader heard each follower confirm, and counts resent batches
  @simulator-only
  Rule: A follower that hears the leader but cannot answer holds every write once, and cannot take writes

    Background:
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      And a client wrote 5 clicks to article-1, which eu-west confirmed
      And the link from eu-west to us-east is cut

    Scenario: The leader resends what eu-west cannot confirm, and eu-west holds each write once
      Given a client wrote 30 clicks to article-1
      When 2 s pass
      Then eu-west holds 35 writes
      And the lag gauge shows eu-west caught up
      But the leader has heard eu-west confirm only 5 writes
      And eu-west received resent writes and held each once

    Scenario: eu-west refuses writes while it cannot reach the leader
      When a client tries to write a click of weight 1 to article-1 through eu-west
      Then the write is refused because eu-west cannot reach the leader
      And every region holds 5 writes

    Scenario: After the heal the leader hears eu-west confirm every write
      Given a client wrote 30 clicks to article-1
      When the link from eu-west to us-east heals
      Then the leader hears eu-west confirm 35 writes within 1 s
      And article-1 scores the same in every region
