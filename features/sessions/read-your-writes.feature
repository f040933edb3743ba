@phase-8.6
@sessions
Feature: A client session reads its own writes and never goes back in time, in any region
  A client reading from the region nearest to it sees every write it made and never older data than it already read.
  When its region has not caught up, the session either waits for it, up to a limit, or is served by the shard's leader.

  Background:
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east

  Rule: A session reads its own writes, even in a region that has not caught up

    # @simulator-only: delays every message on a link
    @simulator-only
    Scenario Outline: A session that <policy> reads its own write while its region lags
      Given the link from us-east to eu-west delays every message by 300 ms
      And a client session in eu-west that <policy>
      And the session wrote a click of weight 2 to article-1
      When the session reads article-1 "click"
      Then the read is <served>
      And the read returns 2.0 within 0.001

      @smoke
      Examples: Waiting
        | policy                             | served                                                    |
        | waits up to 1 s for stale replicas | served by eu-west after waiting between 300 ms and 400 ms |

      Examples: Redirected
        | policy                              | served                                              |
        | redirects stale reads to the leader | redirected to the leader in us-east without waiting |

    Scenario: A session that is not behind reads in its own region at once
      Given a client session in eu-west that waits up to 1 s for stale replicas
      And a client wrote 3 clicks to article-1
      When the session reads article-1 "click"
      Then the read is served by eu-west without waiting

  # @simulator-only: a read refused after exactly the limit, to the millisecond
  @partitions
  @simulator-only
  Rule: A session that waits is told when its region cannot catch up within the limit

    Scenario: A region cut off from the leader cannot show the session its writes: the read is refused after the limit
      Given a client session in us-east that waits up to 1 s for stale replicas
      And the session wrote 2 clicks to article-1
      And every region has caught up
      And the link between us-east and eu-west is cut
      And the session wrote 3 clicks to article-1
      When the session reads article-1 "click" in eu-west
      Then the read is refused after exactly 1 s: eu-west holds only 2 of the 5 writes the session has seen

  # @simulator-only: delays every message on a link
  @simulator-only
  Rule: A session never reads older data than it already read

    Scenario Outline: A session that <policy> moves from a region that caught up to one that lags
      Given the link from us-east to ap-south delays every message by 2 s
      And a client session in eu-west that <policy>
      And a client wrote 4 clicks to article-1
      And 100 ms pass
      And the session read article-1 "click" in eu-west
      When the session reads article-1 "click" in ap-south
      Then the read is <served>
      And the read returns 4.0 within 0.01

      Examples:
        | policy                              | served                                                       |
        | waits up to 3 s for stale replicas  | served by ap-south after waiting between 1800 ms and 2000 ms |
        | redirects stale reads to the leader | redirected to the leader in us-east without waiting          |

  Rule: A read in a region that is down tells the client so, unless the session redirects to the leader

    # @simulator-only: a read refused after exactly the limit, to the millisecond
    @simulator-only
    Scenario: A session that waits is told its region is down once the limit passes
      Given a client session in eu-west that waits up to 1 s for stale replicas
      And the session wrote a click of weight 2 to article-1
      And eu-west crashed
      When the session reads article-1 "click"
      Then the read is refused after exactly 1 s: eu-west is down

    Scenario: A session that redirects is served by the leader while its region is down
      Given a client session in eu-west that redirects stale reads to the leader
      And the session wrote a click of weight 2 to article-1
      And eu-west crashed
      When the session reads article-1 "click"
      Then the read is redirected to the leader in us-east without waiting
      And the read returns 2.0 within 0.001

  # @simulator-only: needs ap-south still behind at the instant of the read (real links replicate at once)
  @failover
  @simulator-only
  Rule: A session reads its own writes when its shard's leader changes

    Scenario Outline: A session that <policy> wrote before and after a failover reads every write
      Given a client session in ap-south that <policy>
      And the session wrote 2 clicks to article-1
      And every region has caught up
      And the shard holding article-1 failed over to eu-west
      And the session wrote 1 click to article-1
      When the session reads article-1 "click"
      Then the read is <served>
      And the read returns 3.0 within 0.01

      Examples:
        | policy                              | served                                                   |
        | waits up to 1 s for stale replicas  | served by ap-south after waiting between 1 ms and 100 ms |
        | redirects stale reads to the leader | redirected to the leader in eu-west without waiting      |
