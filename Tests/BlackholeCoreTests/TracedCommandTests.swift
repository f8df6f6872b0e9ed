import Foundation
import Testing
@testable import BlackholeCore

/// `telemetry exec` in-process: real programs, timed by a clock that stands still.
@Suite struct TracedCommandTests {
    let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
             clock: ManualClock = ManualClock()) -> TracedCommand.Outcome {
        TracedCommand(arguments, name: "job", service: "worker", attributes: ["job": "nightly"]).run(environment: environment, clock: clock)
    }

    @Test func aProgramThatSucceedsIsASpanWithoutError() {
        let clock = ManualClock()
        let outcome = run(["true"], clock: clock)
        #expect(outcome.exitCode == 0 && outcome.startError == nil)
        let span = outcome.span
        #expect(span.statusCode == .unset && span.statusMessage == "")
        #expect(span.start == clock.now() && span.end == clock.now(), "timed by the clock handed in")
        #expect(span.name == "job" && span.service == "worker" && span.parentSpanID == nil)
        #expect(span.attributes["process.exit.code"] == .int(0) && span.attributes["job"] == .string("nightly"))
        #expect(span.attributes["process.executable.name"] == .string("true"))
    }

    @Test func theProgramsExitCodeIsKeptAndMarksTheSpanAnError() {
        let outcome = run(["sh", "-c", "exit 3"])
        #expect(outcome.exitCode == 3)
        #expect(outcome.span.statusCode == .error && outcome.span.statusMessage == "exited 3")
        #expect(outcome.span.attributes["process.exit.code"] == .int(3))
        #expect(outcome.span.attributes["process.command_args"] == .array([.string("sh"), .string("-c"), .string("exit 3")]))
    }

    @Test func aProgramKilledBySignalNExitsWith128PlusN() {
        let outcome = run(["sh", "-c", "kill -TERM $$"])
        #expect(outcome.exitCode == 128 + SIGTERM)
        #expect(outcome.span.statusCode == .error && outcome.span.statusMessage == "killed by signal \(SIGTERM)")
        #expect(outcome.span.attributes["process.exit.code"] == .int(Int64(128 + SIGTERM)))
    }

    @Test func aProgramThatCannotStartExits127() throws {
        let outcome = run(["/no/such/program"])
        #expect(outcome.exitCode == 127)
        let reason = try #require(outcome.startError)
        #expect(outcome.span.statusCode == .error && outcome.span.statusMessage == "cannot run /no/such/program: \(reason)")
    }

    @Test func theSpanContinuesTheTraceparentAndHandsItsOwnOn() throws {
        let dir = TemporaryDirectory()
        let seen = dir.file("seen")
        var environment = ProcessInfo.processInfo.environment
        environment["TRACEPARENT"] = parent
        environment["BLACKHOLE_TEST_JOB"] = "7"
        let outcome = run(["sh", "-c", "echo \"$TRACEPARENT $BLACKHOLE_TEST_JOB\" > \(seen)"], environment: environment)
        let span = outcome.span
        #expect(span.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736" && span.parentSpanID?.hex == "00f067aa0ba902b7")
        #expect(try String(contentsOfFile: seen, encoding: .utf8) == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(span.spanID.hex)-01 7\n",
                "the program's own TRACEPARENT names this span; the rest of the environment is passed as it was")
    }

    @Test func anUnreadableTraceparentStartsAFreshTrace() {
        let outcome = run(["true"], environment: ["TRACEPARENT": "00-not-a-traceparent"])
        #expect(outcome.span.parentSpanID == nil && outcome.span.traceID.count == 16)
    }

    @Test func theSpanIsRecordedUnlessSamplingDropsItsTrace() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let outcome = run(["true"])
        try outcome.record(in: store, sampleRate: 0)
        #expect(try SpanStore(store).trace(outcome.span.traceID).isEmpty)
        try outcome.record(in: store, sampleRate: 1)
        #expect(try SpanStore(store).trace(outcome.span.traceID) == [outcome.span])
    }

    @Test func signalsTypedAtATerminalAreNotPassedOnTwice() {
        let atTerminal = ChildProcess.SignalRelay.passingOn(fromTerminal: true)
        #expect(!atTerminal.forwarded.contains(SIGINT) && !atTerminal.forwarded.contains(SIGQUIT) && atTerminal.forwarded.contains(SIGTERM))
        #expect(atTerminal.ignored.contains(SIGINT), "Ctrl-C is the program's to handle, not ours to die of")
        let detached = ChildProcess.SignalRelay.passingOn(fromTerminal: false)
        #expect(Set(detached.forwarded) == Set(detached.ignored))
    }
}
