package clusternode.raft.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link SegmentedLog#open} found and repaired.
 *
 * @param segmentCount segment files read
 * @param firstIndex first index of the recovered log
 * @param lastIndex last index of the recovered log ({@code firstIndex - 1} when empty)
 * @param tornTail the incomplete or unverifiable tail that was cut off, if any
 * @param tempFilesDeleted leftovers of an interrupted segment creation, deleted
 */
public record RecoveryReport(
    int segmentCount,
    long firstIndex,
    long lastIndex,
    Optional<TornTail> tornTail,
    List<Path> tempFilesDeleted) {

  public RecoveryReport {
    tempFilesDeleted = List.copyOf(tempFilesDeleted);
  }

  /**
   * The end of the last segment that a crash during a write left behind, truncated on recovery.
   *
   * @param file the last segment
   * @param offset the new file length: where the first unverifiable record started
   * @param bytesDropped bytes removed from the end of the file
   * @param reason why the first dropped record did not verify
   */
  public record TornTail(Path file, long offset, long bytesDropped, String reason) {}
}
