package clusternode.gossip.crdt;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A state-based replicated data type: {@link #merge} is the join of a semilattice, so it is
 * commutative, associative and idempotent, and replicas that have seen the same updates in any
 * order hold equal states. Every type here is an immutable record.
 *
 * <p>Updates are delta-mutators (Almeida et al., "Delta State Replicated Data Types"): a method
 * such as {@link GCounter#incrementDelta} returns a small state {@code d} with
 * {@code state.merge(d)} equal to the updated state. A delta is itself a state of the same type,
 * so it can be shipped, merged and acknowledged like any other.
 *
 * <p>The type name travels with the state ({@code "type": "gcounter"}), so states of any type
 * can ride in one gossip message.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = GCounter.class, name = "gcounter"),
    @JsonSubTypes.Type(value = PNCounter.class, name = "pncounter"),
    @JsonSubTypes.Type(value = GSet.class, name = "gset"),
    @JsonSubTypes.Type(value = ORSet.class, name = "orset"),
    @JsonSubTypes.Type(value = LWWRegister.class, name = "lwwregister"),
    @JsonSubTypes.Type(value = MVRegister.class, name = "mvregister"),
    @JsonSubTypes.Type(value = ORMap.class, name = "ormap")})
public interface Crdt<T extends Crdt<T>> {
  /** The least upper bound of this state and {@code other}. */
  T merge(T other);

  /**
   * Merges two states whose static types are unknown (e.g. read off the wire).
   *
   * @throws IllegalArgumentException if they are not of the same type
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Crdt<?> mergeAny(Crdt<?> a, Crdt<?> b) {
    if (a.getClass() != b.getClass()) {
      throw new IllegalArgumentException(
          "cannot merge a " + a.getClass().getSimpleName() + " with a " + b.getClass().getSimpleName());
    }
    return (Crdt<?>) ((Crdt) a).merge((Crdt) b);
  }
}
