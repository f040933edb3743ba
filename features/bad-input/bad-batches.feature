# @simulator-only: crafted batches delivered to a replica past the network
@phase-8.6
@bad-input
@technical
@simulator-only
Feature: A replica refuses a bad batch with a clear error and loses nothing
  Whatever arrives on the wire, a replica checks it before applying anything: a damaged, cut-short, unknown,
  out-of-order or misaddressed batch is refused with a typed error, the replica keeps exactly what it had, and
  replication carries on. Batches of the previous format (version 1, no epoch and no origin in the header) are
  still read.

  Each example starts from eu-west holding 20 writes and lagging 10 behind us-east: the link from us-east to
  eu-west is cut, so what eu-west receives is only the batch the example crafts from the 10 writes it misses.

  Background:
    Given a cluster of regions us-east, eu-west with 1 shard each, led from us-east
    And a client wrote 20 clicks across 10 entities
    And the regions agree within 2 s
    And the link from us-east to eu-west is cut
    And a client wrote 10 views across 10 entities

  @wire-format
  Rule: A replica refuses a bad batch with a typed error and applies none of it

    Scenario Outline: eu-west refuses a batch with <defect>
      When eu-west receives a bad batch from its leader: "<defect>"
      Then eu-west refuses it with <error>: "<reason>"
      And no region changed
      And eu-west lags by 10 writes

      Examples:
        | defect                    | error                | reason                                         |
        | one byte flipped          | CorruptBatchError    | corrupt batch                                  |
        | cut short                 | CorruptBatchError    | corrupt batch: truncated                       |
        | unknown version 3         | CorruptBatchError    | unknown batch version 3                        |
        | a skipped sequence number | OutOfOrderBatchError | out-of-order batch: it starts at SeqNo 22      |
        | addressed to shard 1      | WrongShardError      | batch for shard 1 reached a replica of shard 0 |
        | an entity id of 300 bytes | CorruptBatchError    | it is 300 UTF-8 bytes; the limit is 256        |

  @replication
  Rule: Replication carries on after a refused batch

    Scenario Outline: After refusing a batch with <defect>, eu-west catches up once the link heals
      Given eu-west refused a bad batch from its leader: "<defect>"
      When every link heals
      Then the regions agree within 2 s
      And every region holds 30 writes
      And every entity scores the same in every region

      Examples:
        | defect                    |
        | one byte flipped          |
        | cut short                 |
        | unknown version 3         |
        | a skipped sequence number |
        | addressed to shard 1      |
        | an entity id of 300 bytes |

  @wire-format
  Rule: A batch of version 1 is still accepted

    Example: eu-west applies the 10 writes it misses from a version 1 batch
      When eu-west receives the 10 writes it misses as a version 1 batch from its leader
      Then eu-west holds 30 writes
      And eu-west lags by 0 writes
      And every entity scores the same in every region
