package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import clusternode.pbft.core.Canon;
import clusternode.pbft.core.LogRecord;
import clusternode.pbft.core.PbftMessage;
import clusternode.pbft.core.PbftRules;
import clusternode.pbft.core.Ready;
import clusternode.pbft.core.Recovered;
import clusternode.pbft.core.StableCheckpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a PBFT replica's directory written by {@link PbftStorage} (truncations and byte flips of
 * the log and the checkpoint, a wrong checkpoint magic) in seeded ways. Every case either recovers
 * the checkpoint exactly and exactly the log records that lie wholly before the damage (no fewer, no
 * more), in order and unchanged, or refuses with one line naming the file and a byte offset. A
 * truncated log is a torn tail and must recover.
 */
class PbftStorageFuzzTest {
  private static final long SEED = 0xB1F7_2026L;
  private static final int CASES = 300;
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  @TempDir Path tmp;

  private static PbftMessage.PrePrepare prePrepare(long seq, Random random) {
    byte[] op = new byte[random.nextInt(80)];
    random.nextBytes(op);
    PbftMessage.Request r = new PbftMessage.Request("n1/" + seq, seq, false, op, new byte[] {9});
    return new PbftMessage.PrePrepare("n1", 0, seq, PbftRules.batchDigest(List.of(r)), List.of(r), 0, new byte[] {7});
  }

  @Test
  void damagedReplicaDirsRecoverWhatCameBeforeTheDamageOrRefuseClearly() throws Exception {
    Path base = tmp.resolve("base");
    byte[] state = "checkpoint-state-at-8".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<LogRecord> written = new ArrayList<>();
    Random random = new Random(SEED);
    try (PbftStorage s = PbftStorage.open(base)) {
      s.recover();
      s.persist(new Ready(List.of(), List.of(new LogRecord.ViewEntered(0, true)), null, List.of(), List.of()));
      s.persist(new Ready(List.of(), List.of(), new StableCheckpoint(8, Canon.sha256(state), state, List.of()),
          List.of(), List.of()));
      written.add(new LogRecord.ViewEntered(0, true));
      for (long seq = 9; seq <= 40; seq++) {
        PbftMessage.PrePrepare pp = prePrepare(seq, random);
        List<LogRecord> batch = List.of(new LogRecord.PrePrepared(pp), new LogRecord.Committed(0, seq, pp.digest()));
        s.persist(new Ready(List.of(), batch, null, List.of(), List.of()));
        written.addAll(batch);
      }
    }
    List<Long> recordEnds = recordEnds(Files.readAllBytes(base.resolve("log")));
    assertEquals(written.size(), recordEnds.size(), "the log holds what was written");
    int recovered = 0;
    int refused = 0;
    for (int c = 0; c < CASES; c++) {
      long seed = SEED + c;
      Path dir = tmp.resolve("case-" + c);
      Files.createDirectories(dir);
      for (String f : List.of("log", "checkpoint")) {
        Files.copy(base.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      Random r = new Random(seed);
      boolean inLog = r.nextInt(3) > 0;
      Path file = dir.resolve(inLog ? "log" : "checkpoint");
      byte[] bytes = Files.readAllBytes(file);
      long damageAt;
      String what;
      boolean truncation = false;
      switch (r.nextInt(3)) {
        case 0 -> {
          damageAt = r.nextInt(bytes.length);
          Files.write(file, Arrays.copyOf(bytes, (int) damageAt));
          what = "truncate " + file.getFileName() + " to " + damageAt;
          truncation = true;
        }
        case 1 -> {
          damageAt = r.nextInt(bytes.length);
          bytes[(int) damageAt] ^= (byte) (1 + r.nextInt(255));
          Files.write(file, bytes);
          what = "flip " + file.getFileName() + " at " + damageAt;
        }
        default -> {
          damageAt = r.nextInt(4);
          bytes[(int) damageAt] ^= (byte) (1 + r.nextInt(255)); // the checkpoint's magic, or the first length
          Files.write(file, bytes);
          what = "header flip " + file.getFileName() + " at " + damageAt;
        }
      }
      String context = "case " + c + " (seed " + seed + "): " + what;
      try (PbftStorage s = PbftStorage.open(dir)) {
        Recovered rec = s.recover();
        assertTrue(rec.checkpoint() != null, context + ": checkpoint lost");
        assertEquals(8, rec.checkpoint().seq(), context);
        assertArrayEquals(state, rec.checkpoint().state(), context);
        long mustHave = inLog ? recordEnds.stream().filter(end -> end <= damageAt).count() : written.size();
        assertEquals(mustHave, rec.records().size(), context + ": not exactly the records before the damage");
        for (int i = 0; i < rec.records().size(); i++) {
          assertArrayEquals(CBOR.writeValueAsBytes(written.get(i)), CBOR.writeValueAsBytes(rec.records().get(i)),
              context + ": record " + i + " differs");
        }
        recovered++;
      } catch (PbftStorage.CorruptException e) {
        refused++;
        assertTrue(!(inLog && truncation), context + ": a torn log tail was refused: " + e.getMessage());
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()) && m.contains("byte offset"), context + ": " + m);
        assertTrue(!m.contains("\n"), context + ": not one line: " + m);
      } catch (IOException | RuntimeException | AssertionError e) {
        fail(context + ": unexpected " + e, e);
      }
    }
    System.out.printf("pbft storage fuzz: %d cases, %d recovered, %d refused%n", CASES, recovered, refused);
    assertTrue(recovered > 20 && refused > 20, recovered + " recovered, " + refused + " refused");
  }

  /**
   * End offsets of the framed records ({@code [length][crc][payload]}) of an undamaged log, but for
   * the base record ({@code K}) that heads a compacted log: it names the checkpoint, it is no record.
   */
  private static List<Long> recordEnds(byte[] log) {
    List<Long> ends = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(log);
    while (buf.remaining() >= 8) {
      int length = buf.getInt();
      buf.getInt();
      boolean base = log[buf.position()] == 'K';
      buf.position(buf.position() + length);
      if (!base) {
        ends.add((long) buf.position());
      }
    }
    return ends;
  }
}
