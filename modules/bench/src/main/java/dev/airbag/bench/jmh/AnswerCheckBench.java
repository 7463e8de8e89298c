package dev.airbag.bench.jmh;

import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Role;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.quality.AnswerCheck;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The model-free answer checks every answer passes through on its way back (empty, truncated, loop,
 * other language): a good answer of about sixty words to the benchmarks' question, all checks on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AnswerCheckBench {

  private final Set<AnswerCheck> all = EnumSet.allOf(AnswerCheck.class);
  private final ChatRequest request =
      new ChatRequest(
          "bench",
          List.of(new ChatMessage(Role.USER, Fixtures.QUESTION)),
          OptionalInt.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          List.of(),
          false,
          Optional.empty());
  private final ChatResponse answer =
      new ChatResponse(
          "id",
          "bench",
          "In January the harbour froze and the ferries stopped for two weeks. With no boats crossing, the island's "
              + "shops ran short of milk and bread, and people shared what they had while they waited. The shortage "
              + "ended when the ice-breaker arrived from the mainland, opened a channel through the ice and brought "
              + "the first deliveries since the freeze began.",
          FinishReason.STOP,
          new Usage(40, 62));

  @Benchmark
  public Optional<AnswerCheck> checkAGoodAnswer() {
    return AnswerCheck.firstFailed(all, request, answer);
  }
}
