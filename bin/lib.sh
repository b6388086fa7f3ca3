# Shared by bin/node, bin/cluster and bin/clusterctl: find the project and its jar, build it if
# it is missing or older than any source.
CLUSTERNODE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CLUSTERNODE_HOME
JAR="$CLUSTERNODE_HOME/node/target/clusternode.jar"

ensure_jar() {
  if [[ ! -f "$JAR" ]] || [[ -n "$(find "$CLUSTERNODE_HOME" -path '*/src/main/*' -newer "$JAR" -type f -print -quit 2>/dev/null)" ]] \
     || [[ -n "$(find "$CLUSTERNODE_HOME" -maxdepth 2 -name pom.xml -newer "$JAR" -print -quit)" ]]; then
    command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed to build the node jar; install it (apt-get install maven)" >&2; exit 2; }
    echo "building the node jar (mvn -DskipTests package)..." >&2
    (cd "$CLUSTERNODE_HOME" && mvn -B -q -DskipTests package) >&2 || { echo "error: the build failed" >&2; exit 1; }
  fi
}
