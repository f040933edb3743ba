@phase-8.6 @sessions
Feature: A client session reads its own writes and never goes back in time, in any region
  A client reading from the region nearest to it sees every write it made and never an older state
  than it saw before: it waits for a lagging replica, up to a limit, or is served by the leader.

  Background:
    Given a cluster of regions us-east, eu-west, ap-south with 2 shards each, led from us-east

  Scenario: A session that waits reads its own write from a lagging follower once it has caught up
    Given replication from us-east to eu-west is delayed by 300 ms
    And a client session in eu-west that waits up to 1 s for stale replicas
    When the session writes a click of weight 2.0 to article-1
    And the session reads article-1 "click"
    Then the read is served by eu-west after waiting between 300 ms and 400 ms
    And the read returns 2.0 within 0.001

  Scenario: A session that redirects is served by the leader while its follower lags
    Given replication from us-east to eu-west is delayed by 300 ms
    And a client session in eu-west that redirects stale reads to the leader
    When the session writes a click of weight 2.0 to article-1
    And the session reads article-1 "click"
    Then the read is redirected to the leader in us-east without waiting
    And the read returns 2.0 within 0.001

  Scenario: A session that is not behind reads from its own region at once
    Given a client session in eu-west that waits up to 1 s for stale replicas
    When a client writes 3 clicks to article-1
    And the session reads article-1 "click"
    Then the read is served by eu-west without waiting

  Scenario: A partitioned follower fails a waiting read with a stale-read error once the session's limit passes
    Given a client session in us-east that waits up to 1 s for stale replicas
    When the session writes 2 clicks to article-1
    And the regions agree within 2 s
    And the link between us-east and eu-west is cut
    And the session writes 3 clicks to article-1
    And the session moves to eu-west
    And the session reads article-1 "click"
    Then the read fails as stale after waiting exactly 1 s of cluster time
    And the stale-read error names eu-west's applied sequence number 2 and the session's mark 5

  Scenario Outline: Monotonic reads: a session moving from a fresh replica to a stale one never sees older state (<policy>)
    Given replication from us-east to ap-south is delayed by 2 s
    And a client session in eu-west that <policy>
    When a client writes 4 clicks to article-1
    And 100 ms pass
    And the session reads article-1 "click"
    Then the read is served by eu-west
    And the read reflects sequence number 4 or later
    And ap-south has no score for article-1 "click"
    When the session moves to ap-south
    And the session reads article-1 "click"
    Then the read is served by <served by>
    And the read reflects sequence number 4 or later
    And the read returns 4.0 within 0.01

    Examples:
      | policy                              | served by |
      | waits up to 3 s for stale replicas  | ap-south  |
      | redirects stale reads to the leader | us-east   |
