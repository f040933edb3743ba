@demo-failure
@technical
Feature: Demo of a failing scenario
  Shows how a broken promise reads in the reports: the summary names the scenario, its error, its seed and the
  command that replays it. Kept out of the default run; run it with `npx cucumber-js --tags @demo-failure`.

  Rule: A failing scenario's report names its seed and the command that replays it

    @seed-4242
    Scenario: A deliberately failing check shows its seed and replay command
      Given the demo replication snapshot is attached to the report
      Then the demo check deliberately fails
