@phase-8.6
@decay
Feature: Scores decay with each signal's half-life, and every region gives the same score
  An entity's score for a signal is the sum of its writes, each counting its weight when new and
  half as much after every half-life: a click's half-life is 1 hour, a view's 1 day, a purchase's
  1 week. So 8 clicks score 8.0 when new, 4.0 an hour later and 2.0 two hours later, in every region.

  Rule: A score halves with every half-life of its signal

    Background:
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east

    Scenario Outline: 8 <signals> score <score> when <time>
      <why>

      Given a client wrote 8 <signals> to article-1
      When <time>
      Then article-1 scores <score> <signals> in every region

      Examples:
        | signals   | time          | score | why                                                |
        | clicks    | 1 hour passes | 4.0   | one half-life of a click: each counts ½            |
        | clicks    | 2 hours pass  | 2.0   | two half-lives: each counts ¼                      |
        | views     | 1 hour passes | 7.77  | 1/24 of a view's half-life: 8 × 2^(−1/24) = 7.77   |
        | views     | 1 day passes  | 4.0   | one half-life of a view                            |
        | purchases | 1 day passes  | 7.25  | 1/7 of a purchase's half-life: 8 × 2^(−1/7) = 7.25 |
        | purchases | 7 days pass   | 4.0   | one half-life of a purchase                        |

    @smoke
    Scenario: A click of weight 8 scores 4.0 an hour later, the same in every region
      Given a client wrote a click of weight 8 to article-9
      When 1 hour passes
      Then article-9 scores 4.0 clicks in every region

  @replication
  Rule: A write decays from the time it happened, not from when a region received it

    Scenario: Clicks that reach a cut-off region an hour late count as an hour old there too
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
      And the link between us-east and eu-west is cut
      And a client wrote 8 clicks to article-1
      And 1 hour passes
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And article-1 scores 4.0 clicks in every region

    Scenario: A click reported an hour after it happened counts half
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
      And the cluster started 1 day ago
      When a client writes a click to article-1 that happened 1 hour ago
      Then the regions agree within 2 s
      And article-1 scores 0.50 clicks in every region

  @partitions
  @convergence
  Rule: A write accepted locally during a cut scores the same everywhere after the heal

    Scenario: Clicks accepted by a cut-off region decay from when they happened, in every region
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east, where a region cut off from the leader accepts writes locally
      And the link between us-east and eu-west is cut
      And a client wrote 8 clicks to article-1 through eu-west
      And 1 hour passes
      When the link between us-east and eu-west heals
      Then the regions agree within 2 s of the heal
      And article-1 scores 4.0 clicks in every region

  @clocks
  Rule: A write decays from the time its region's clock gave it, and scores the same in every region

    Background:
      Given a region accepts remote clocks at most 2 hours ahead of its own
      And a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east
      And the cluster started 1 day ago

    Scenario Outline: 8 clicks stamped by a leader whose clock runs <skew> score <score> an hour later
      <why>

      Given the clock of us-east runs <skew>
      And a client wrote 8 clicks to article-1
      When 1 hour passes
      Then article-1 scores <score> clicks in every region

      Examples:
        | skew          | score | why                                                                           |
        | 1 hour behind | 2.0   | stamped an hour before they happened: an hour later they count as 2 hours old |
        | 1 hour ahead  | 8.0   | stamped an hour after they happened: an hour later they count as new          |

  Rule: A retraction takes an interaction back

    Background:
      Given a cluster of regions us-east, eu-west, ap-south with 1 shard each, led from us-east

    Scenario: A retraction takes back one of three clicks
      Given a client wrote 3 clicks to article-1
      When a client writes a click of weight -1 to article-1
      Then the regions agree within 2 s
      And article-1 scores 2.0 clicks in every region

    Scenario: A retraction dated when the click happened takes back exactly that click
      Two clicks an hour old score 1.0; taking one back leaves the other: 0.5.

      Given a client wrote 2 clicks to article-1
      And 1 hour passes
      When a client retracts a click to article-1 that happened 1 hour ago
      Then the regions agree within 2 s
      And article-1 scores 0.50 clicks in every region
