# @simulator-only: schedules the simulator printed, replayed through its runner
@phase-8.6
@simulation
@technical
@simulator-only
Feature: Failures the randomized simulation found stay fixed
  Each scenario is a failing seed the simulator shrank and printed, replayed on its seed (the seed tag) so the
  sequence of writes and faults that once broke a promise runs on every build. The printed steps are kept word for
  word; the actions before the last are the example's context, the last is its action. Each ends with the
  simulator's own check (every promise holds once every fault has healed) and then the promise its title names.

  @failover
  Rule: A deposed leader rejoins as a follower: its log stays a prefix of its new leader's, and it takes no write in its old epoch

    @seed-30
    @smoke
    Example: A leader that two partitions cut off rejoins a failover without breaking its log
      What broke (found while the simulator was built, commit 1ece5f2): us-east, cut off from both other regions and
      healed again, was deposed by a failover of shard 3 to ap-south while its log ran past the new leader's; as a
      follower its log no longer matched its leader's. What holds it now: a replica that learns of a newer epoch
      truncates the suffix its new leader never had before it applies anything more.

      Given a cluster of 3 regions with 4 shards each
      And 5 ms pass
      And a client writes a view of weight 0.5 to e-10
      And 5 ms pass
      And the link between us-east and eu-west is cut
      And the link between us-east and ap-south is cut
      And a client writes a click of weight -0.5 to e-1
      And 1 ms passes
      And the link between us-east and ap-south heals
      And 4 ms pass
      And the link between us-east and eu-west heals
      And 90 ms pass
      When shard 3 fails over to ap-south
      Then every promise holds once every fault has healed
      And every region holds each shard's writes in its leader's order

    @seed-47
    Example: A leader deposed while it was cut off takes a new write locally, not at its old epoch
      What broke (found while the simulator was built, commit 1ece5f2): eu-west, deposed while cut off from us-east,
      still believed it led shard 2 and took a write at its old epoch. What holds it now: a replica checks the control
      plane before it accepts a write (TidalDb.signal), so a deposed leader that cannot reach the new one accepts the
      write locally (accept-local) and reconciles it after the heal.

      Given regions cut off from the leader accept writes locally
      And a cluster of 3 regions with 4 shards each
      And shard 2 fails over
      And the link between us-east and eu-west is cut
      And shard 2 fails over
      And 1 ms passes
      And a client writes a click of weight -0.5 to e-3 through eu-west
      And 1 ms passes
      When the link between us-east and eu-west heals
      Then every promise holds once every fault has healed
      And the write to e-3 through eu-west was accepted locally, without a SeqNo of an epoch

  @reconciliation
  @idempotency
  Rule: A failover neither loses a kept write nor counts one twice, even where cut-off regions accept writes locally

    @seed-4
    Example: A failover after anti-entropy rounds neither loses a kept write nor counts one twice
      What broke (found while the simulator was built, commit 1ece5f2, first titled "A write that reconciliation
      carried to every region before a failover is kept, once"): a write that reconciliation had carried to every
      region before shard 1 failed over was reported lost, as the write checker looked only in the new leader's log.
      The fix, in that commit: a write the new leader's state took in through reconciliation is kept, not lost.

      Given regions cut off from the leader accept writes locally
      And a cluster of 3 regions with 4 shards each
      And client s4 has a session in ap-south that waits up to 200 ms for stale replicas
      And 10 ms pass
      And the clock of us-east runs 3651 ms behind
      And 135 ms pass
      And client s4 writes a click of weight 1 to e-16 through its session
      And client s4 reads e-17 "view" through its session
      And a client writes a click of weight 1 to e-2
      And 5 ms pass
      And the clock of us-east is corrected
      And 105 ms pass
      When shard 1 fails over
      Then every promise holds once every fault has healed
      And no acknowledged write was lost

    @seed-6
    Example: A keyed retry after a failover lost the first write counts once, even where regions accept local writes
      What broke: the first write with key "k-84" was lost when shard 3 failed over, and reconciliation brought its
      state back beside the retry, so acme's e-7 counted twice (3.0 clicks, not 1.5). The fix (commit ac3500d):
      anti-entropy carries only locally accepted writes, so what a failover truncated stays gone.

      Given regions cut off from the leader accept writes locally
      And a cluster of 3 regions with 4 shards each
      And the replica of shard 3 in eu-west crashes
      And shard 3 fails over
      And tenant acme writes a click of weight 1.5 to e-7 with idempotency key "k-84"
      And 1 ms passes
      And the replica of shard 3 in ap-south crashes
      And 517 ms pass
      And the replica of shard 3 in eu-west restarts
      And 242 ms pass
      And shard 3 fails over to eu-west
      And tenant acme writes a click of weight 1.5 to e-7 with idempotency key "k-84"
      And 205 ms pass
      When the replica of shard 3 in ap-south restarts
      Then every promise holds once every fault has healed
      And in every region, e-7 scores these clicks:
        | tenant | clicks |
        | acme   | 1.5    |

    @seed-10
    Example: A retry of a write accepted locally is answered with the epoch of its first acknowledgement, after failovers
      What broke (found by the retry-answer checker as seed 64, re-derived as seed 10 under the published
      routing, commit 348b1ec): after failovers rebuilt the idempotency store from the log, a retry of a locally accepted write was
      answered with the epoch the replay had reached, not the one its client was first told. The fix (commit
      414bf5b): a retry is answered with the epoch of its first acknowledgement.

      Given a cluster drawn by the simulator:
        | regions           | 2            |
        | shards per region | 1            |
        | acks              | leader       |
        | partitions        | accept-local |
        | latency           | 1 ms         |
        | jitter            | 20 ms        |
        | max clock drift   | 250 ms       |
        | key retention     | 30000 ms     |
        | batch size        | 8 events     |
        | window            | 8 batches    |
        | storage           | ephemeral    |
      And shard 0 fails over
      And the link between eu-west and us-east is cut
      And a client writes a click of weight 3 to e-14 through us-east with idempotency key "k-29"
      And shard 0 fails over
      And a client writes a click of weight 1 to e-28 with idempotency key "k-47"
      And shard 0 fails over
      And shard 0 fails over
      And a client writes a click of weight 3 to e-14 with idempotency key "k-29"
      And 1 ms passes
      When the link between eu-west and us-east heals
      Then every promise holds once every fault has healed
      And the retry with idempotency key "k-29" was answered with the first acknowledgement of that key

  @sessions
  @failover
  Rule: A session reads its own writes after a failover

    @seed-85
    @durable
    Example: A session reads its own write after a failover, even where a deposed leader has applied as much of a lost branch
      What broke (found by the session checker's own-writes rule as seed 1264, re-derived as seed 85 under the
      published routing, commit 348b1ec): a deposed leader that had not yet heard of the failover had applied as many writes of a
      branch the new epoch cut away as the session had seen, and served the session's read without its own write.
      The fix: a session's marks carry the epoch, so a replica of an older epoch cannot serve it (commit 679dc99).

      Given a cluster drawn by the simulator:
        | regions           | 2                            |
        | shards per region | 4                            |
        | acks              | quorum                       |
        | partitions        | leader-only                  |
        | latency           | 1 ms                         |
        | jitter            | 1 ms                         |
        | max clock drift   | 5000 ms                      |
        | key retention     | 600000 ms                    |
        | batch size        | 512 events                   |
        | window            | 4 batches                    |
        | storage           | durable                      |
        | tenant acme       | home eu-west, shards 0 1     |
        | tenant globex     | home us-east, shards 0 1 2 3 |
      And client s3 has a session in us-east that waits up to 3000 ms for stale replicas
      And 6 ms pass
      And the link between eu-west and us-east is cut
      And a client writes a view of weight 1.5 to e-2
      And shard 1 fails over
      And 100 ms pass
      And the link between eu-west and us-east heals
      And 50 ms pass
      And the link from eu-west to us-east misbehaves:
        | drop rate | delay  | jitter |
        | 0.2       | 200 ms | 20 ms  |
      And 147 ms pass
      And the link from eu-west to us-east behaves again
      And client s3 writes a click of weight 0.5 to e-3 through its session
      When client s3 reads e-3 "click" through its session
      Then every promise holds once every fault has healed
      And client s3 read its own click of weight 0.5 to e-3
