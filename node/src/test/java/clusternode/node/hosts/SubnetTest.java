package clusternode.node.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host network's /24 never overlaps an address or route the machine has. */
class SubnetTest {
  @Test
  void takesTheTagsSubnetWhenFree() {
    assertEquals("10.213.171.", Subnet.pick("ab12cd", List.of("127.0.0.1/8", "192.0.2.2/24", "192.0.2.0/24")));
  }

  @Test
  void movesOnPastAnOverlap() {
    assertEquals("10.213.172.", Subnet.pick("ab12cd", List.of("10.213.171.1/24")));
    // A wider route that covers the /24 counts as well, as does a host route inside it.
    assertEquals("10.213.173.", Subnet.pick("ab12cd", List.of("10.213.171.0/24", "10.213.172.9")));
    assertTrue(Subnet.overlaps(Subnet.parse("10.213.5.0"), 24, "10.0.0.0/8"));
    assertFalse(Subnet.overlaps(Subnet.parse("10.213.5.0"), 24, "10.213.6.0/24"));
  }

  @Test
  void refusesWhenEverySubnetIsTaken() {
    List<String> all = new ArrayList<>(List.of("10.213.0.0/16"));
    assertThrows(IllegalStateException.class, () -> Subnet.pick("000000", all));
  }

  @Test
  void namesFitLinuxLimitsAndCarryTheTag() {
    HostNetwork.tagOf(java.nio.file.Path.of("/x"));
    String tag = HostNetwork.tagOf(java.nio.file.Path.of("/work/some/cluster"));
    assertEquals(6, tag.length());
    assertEquals(tag, HostNetwork.tagOf(java.nio.file.Path.of("/work/some/../some/cluster")), "same dir, same tag");
  }

  @Test
  void machinesParseWithDefaultPortsAndRefuseNonsense() {
    assertEquals(new HostsDeployment.Machine("n2", "b.example", 2551, 8081), HostsDeployment.Machine.parse("b.example", 1));
    assertEquals(new HostsDeployment.Machine("n1", "10.0.0.7", 2600, 8100),
        HostsDeployment.Machine.parse("10.0.0.7:2600:8100", 0));
    assertThrows(IllegalArgumentException.class, () -> HostsDeployment.Machine.parse("a b", 0));
    assertThrows(IllegalArgumentException.class, () -> HostsDeployment.Machine.parse("a:70000", 0));
    assertThrows(IllegalArgumentException.class, () -> HostsDeployment.Machine.parse("a:2551:2551", 0));
  }
}
