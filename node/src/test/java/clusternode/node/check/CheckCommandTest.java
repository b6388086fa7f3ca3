package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad arguments end with exit code 2 before anything is started. */
class CheckCommandTest {
  private static final String CONF = Path.of("src/test/resources/check/it-check-register.conf").toAbsolutePath()
      .toString();

  private static int run(String... args) {
    String before = System.getProperty("clusternode.jar");
    System.setProperty("clusternode.jar", "no-such.jar");
    try {
      return new CommandLine(new CheckCommand()).execute(args);
    } finally {
      if (before == null) {
        System.clearProperty("clusternode.jar");
      } else {
        System.setProperty("clusternode.jar", before);
      }
    }
  }

  @Test
  void badArgumentsExitWithTwo() {
    assertEquals(2, run("--config", CONF, "--nemesis", "byzantine"), "byzantine needs PBFT");
    assertEquals(2, run("--config", CONF, "--workload", "crdt"), "crdt needs gossip");
    assertEquals(2, run("--config", CONF, "--workload", "ledger"), "ledger needs the ledger");
    assertEquals(2, run("--config", CONF, "--protocol", "pbft"), "--protocol and --config both");
    assertEquals(2, run("--protocol", "paxos"));
    assertEquals(2, run("--config", CONF, "--nemesis", "kill,mix"), "mix is not a fault to take in turn");
    assertEquals(2, run("--config", CONF, "--nemesis", "kill,"));
    assertEquals(2, run("--config", CONF, "--nemesis", "kill,byzantine"), "byzantine needs PBFT");
    assertEquals(2, run("--config", CONF, "--crdt-write", "some"));
    assertEquals(2, run("--config", CONF, "--converge-within", "0"));
    assertEquals(2, run("--config", CONF, "--duration", "soon"));
    assertEquals(2, run("--config", CONF, "--clients", "0"));
    assertEquals(2, run("--config", "no/such.conf"));
    assertEquals(2, run("--config", CONF, "--no-such-option"));
  }
}
