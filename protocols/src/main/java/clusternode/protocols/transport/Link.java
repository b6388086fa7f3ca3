package clusternode.protocols.transport;

import java.util.Objects;

/** A one-way link between two nodes, named by their ids. */
public record Link(String from, String to) {
  public Link {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }
}
