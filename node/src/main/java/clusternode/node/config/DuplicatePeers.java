package clusternode.node.config;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a node id written twice as {@code id { ... }} inside a {@code peers { ... }} block.
 * HOCON silently merges duplicate keys (the later fields win), which would turn a copy-paste slip
 * into two nodes sharing one id; the parsed config no longer shows it, so the text is scanned.
 */
final class DuplicatePeers {
  private static final Pattern PEERS_BLOCK = Pattern.compile("\\bpeers\\s*[=:]?\\s*\\{");
  private static final Pattern KEY_OBJECT = Pattern.compile("\"?([A-Za-z0-9_-]+)\"?\\s*[=:]?\\s*\\{");

  private DuplicatePeers() {}

  /** The first id defined twice in any peers block of {@code text}, if any. */
  static Optional<String> find(String text) {
    String code = stripCommentsAndStrings(text);
    Matcher block = PEERS_BLOCK.matcher(code);
    while (block.find()) {
      Set<String> seen = new HashSet<>();
      int depth = 1;
      int i = block.end();
      while (i < code.length() && depth > 0) {
        char c = code.charAt(i);
        if (depth == 1) {
          Matcher key = KEY_OBJECT.matcher(code).region(i, code.length());
          if (key.lookingAt()) {
            if (!seen.add(key.group(1))) {
              return Optional.of(key.group(1));
            }
            depth++;
            i = key.end();
            continue;
          }
        }
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        i++;
      }
    }
    return Optional.empty();
  }

  /** Blanks out comments and the insides of quoted strings, keeping every other character. */
  private static String stripCommentsAndStrings(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        out.append(c == '"' ? '"' : ' ');
        inString = c != '"' || text.charAt(i - 1) == '\\';
      } else if (c == '"') {
        inString = true;
        out.append(c);
      } else if (c == '#' || (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/')) {
        while (i < text.length() && text.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
        if (i < text.length()) {
          out.append('\n');
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
