# @simulator-only: the simulator's own harness: its replicas, followers and convergence wait
@phase-8.6
@task-01
@harness
@technical
@simulator-only
Feature: A simulated multi-region cluster for acceptance testing
  Every Phase 8.6 promise is checked on a simulated tidalDB cluster: real replicas in several
  regions, connected only through the replication transport, in virtual time, replayable from a seed.

  @regions
  Rule: A cluster starts one replica per shard in every region, each follower connected to its shard's leader

    Scenario Outline: A cluster of <regions> regions with <shards> shards each starts <replicas> replicas
      <replicas> = <regions> × <shards>: every region holds a replica of every shard.

      Given a cluster of <regions> regions with <shards> shards each
      When 100 ms pass
      Then the cluster has <replicas> replicas
      And every follower is connected to its shard's leader

      Examples:
        | regions | shards | replicas |
        | 2       | 1      | 2        |
        | 3       | 4      | 12       |
        | 5       | 2      | 10       |

    Scenario: The cluster has a single leader and a follower in every other region
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
      When 100 ms pass
      Then the leader is in us-east
      And eu-west has a follower
      And ap-south has a follower
      And us-east has no follower

  Rule: A write goes through the shard's leader, which acknowledges it at once

    Scenario: The first write is acknowledged by the leader with sequence number 1 in epoch 1
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      When a client writes a click of weight 1 to article-42
      Then the write is acknowledged by us-east with sequence number 1 in epoch 1

    @smoke
    Scenario: Two regions, ten writes, converged within two seconds, equal scores
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      When a client writes 10 clicks to article-42
      Then the regions agree within 2 s
      And article-42 scores 10.000 clicks in every region

  Rule: Waiting for convergence returns once every follower has caught up, and past its deadline fails naming the lagging replicas and the seed

    Scenario: Waiting returns once every follower lags by 0 writes
      Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east
      When a client writes 25 views across 25 entities
      Then the regions agree within 2 s
      And every follower lags by 0 writes

    Scenario: Waiting past its deadline fails and names the lagging replicas and the seed
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      And the link between us-east and eu-west is cut
      And a client wrote 10 clicks to article-1
      When the cluster is awaited for convergence for 500 ms
      Then waiting fails with a convergence timeout
      And the timeout names eu-west/0 lagging 10 events
      And the timeout names the seed

  Rule: A region's score is read from that region's own replica

    Scenario: A region cut off from the leader has no score for a write it has not received
      Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
      And the link between us-east and eu-west is cut
      When a client writes a click of weight 2 to article-7
      Then article-7 scores 2.000 clicks in us-east
      And eu-west has no score for article-7 "click"

  Rule: A cut link drops the traffic between two regions while it lasts, and carries it again once it heals

    Background:
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
      And the link between us-east and eu-west is cut
      And a client wrote 5 clicks to article-1

    Scenario: Nothing reaches the cut-off region
      When 2 s pass
      Then eu-west holds 0 writes
      And ap-south holds 5 writes

    Scenario: The writes arrive once the link heals
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s
      And eu-west holds 5 writes

    Scenario: Healing every link restores every cut
      Given the link between us-east and ap-south is cut
      When every link heals
      Then the regions agree within 2 s
      And every region holds 5 writes
