package clusternode.protocols.statemachine;

/**
 * A request refused at once because this node already holds as many waiting requests as its limit
 * allows (back-pressure). Nothing was proposed, so a retry later is safe. The HTTP layer answers
 * 429 with this message.
 */
public final class Overloaded extends RuntimeException {
  public Overloaded(String message) {
    super(message, null, false, false);
  }
}
