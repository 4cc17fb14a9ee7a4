#include "state/checkpoint_storage.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace tiangong {
namespace {

namespace fs = std::filesystem;

class CheckpointStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "checkpoint-storage-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }

  static void WriteFile(const std::string& path, const std::string& contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
  }

  /// Writes checkpoint `id` with one file of its own ("state-<id>") and,
  /// optionally, a shared file; returns the metadata it completed.
  CheckpointMetadata WriteCheckpoint(const CheckpointStorage& storage, int64_t id,
                                     const std::string& shared_file = "") {
    Result<std::string> directory = storage.CreateCheckpointDirectory(id);
    EXPECT_TRUE(directory.ok()) << directory.status().ToString();
    std::string own = "state-" + std::to_string(id);
    WriteFile(*directory + "/" + own, "state of checkpoint " + std::to_string(id));
    CheckpointMetadata metadata;
    metadata.id = id;
    metadata.timestamp_millis = 1000 * id;
    metadata.job_name = "job";
    metadata.payload = "payload " + std::to_string(id);
    Result<CheckpointFile> file = CheckpointStorage::DescribeFile(*directory, own);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    metadata.files.push_back(*file);
    if (!shared_file.empty()) {
      Result<std::string> shared = storage.CreateSharedDirectory();
      EXPECT_TRUE(shared.ok());
      if (!fs::exists(*shared + "/" + shared_file)) {
        WriteFile(*shared + "/" + shared_file, "shared " + shared_file);
      }
      Result<CheckpointFile> described =
          CheckpointStorage::DescribeFile(*directory, "../shared/" + shared_file);
      EXPECT_TRUE(described.ok()) << described.status().ToString();
      metadata.files.push_back(*described);
    }
    Status status = storage.Complete(metadata);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return metadata;
  }

  std::string root_;
};

TEST_F(CheckpointStorageTest, LatestValidIsTheNewestCompleteCheckpoint) {
  CheckpointStorage storage(root_, JobDirectoryName("insert-into_db.orders"));
  Result<std::optional<CheckpointMetadata>> none = storage.LatestValid();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  WriteCheckpoint(storage, 1);
  WriteCheckpoint(storage, 2);
  // Checkpoint 3 was being written when the process died: no _metadata.
  ASSERT_TRUE(storage.CreateCheckpointDirectory(3).ok());
  WriteFile(storage.job_directory() + "/chk-3/state-3", "partial");

  Result<std::optional<CheckpointMetadata>> latest = storage.LatestValid();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->id, 2);
  EXPECT_EQ((*latest)->payload, "payload 2");
  EXPECT_EQ((*latest)->job_name, "job");
  ASSERT_EQ((*latest)->files.size(), 1u);
  EXPECT_EQ((*latest)->files[0].path, "state-2");
}

TEST_F(CheckpointStorageTest, CorruptLatestCheckpointFallsBackToThePreviousOne) {
  CheckpointStorage storage(root_, "job");
  WriteCheckpoint(storage, 1);
  WriteCheckpoint(storage, 2);
  WriteCheckpoint(storage, 3);
  // A state file of 3 altered, the metadata of 2 truncated.
  WriteFile(storage.job_directory() + "/chk-3/state-3", "state of checkpoint 9");
  std::string metadata2 = storage.job_directory() + "/chk-2/_metadata";
  fs::resize_file(metadata2, fs::file_size(metadata2) - 3);

  Result<CheckpointMetadata> loaded = CheckpointStorage::Load(storage.job_directory() + "/chk-3");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("chk-3/state-3"), std::string::npos)
      << loaded.status().message();
  loaded = CheckpointStorage::Load(metadata2);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("checksum mismatch"), std::string::npos)
      << loaded.status().message();

  Result<std::optional<CheckpointMetadata>> latest = storage.LatestValid();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->id, 1);
}

TEST_F(CheckpointStorageTest, MissingStateFileMakesACheckpointIncomplete) {
  CheckpointStorage storage(root_, "job");
  WriteCheckpoint(storage, 1, "000007.sst");
  WriteCheckpoint(storage, 2, "000009.sst");
  fs::remove(storage.job_directory() + "/shared/000009.sst");
  Result<CheckpointMetadata> loaded = CheckpointStorage::Load(storage.job_directory() + "/chk-2");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("is missing"), std::string::npos);
  Result<std::optional<CheckpointMetadata>> latest = storage.LatestValid();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->id, 1);
}

TEST_F(CheckpointStorageTest, PruneKeepsTheNewestAndTheSharedFilesTheyUse) {
  CheckpointStorage storage(root_, "job");
  WriteCheckpoint(storage, 1, "a.sst");
  WriteCheckpoint(storage, 2, "a.sst");
  WriteCheckpoint(storage, 3, "b.sst");
  ASSERT_TRUE(storage.CreateCheckpointDirectory(4).ok());  // abandoned, never completed
  ASSERT_TRUE(storage.Prune(2).ok());

  std::string job = storage.job_directory();
  EXPECT_FALSE(fs::exists(job + "/chk-1"));
  EXPECT_TRUE(fs::exists(job + "/chk-2/_metadata"));
  EXPECT_TRUE(fs::exists(job + "/chk-3/_metadata"));
  EXPECT_FALSE(fs::exists(job + "/chk-4"));
  EXPECT_TRUE(fs::exists(job + "/shared/a.sst"));
  EXPECT_TRUE(fs::exists(job + "/shared/b.sst"));
  EXPECT_TRUE(CheckpointStorage::Load(job + "/chk-2").ok());

  ASSERT_TRUE(storage.Prune(1).ok());
  EXPECT_FALSE(fs::exists(job + "/chk-2"));
  EXPECT_FALSE(fs::exists(job + "/shared/a.sst"));
  EXPECT_TRUE(fs::exists(job + "/shared/b.sst"));
  EXPECT_TRUE(CheckpointStorage::Load(job + "/chk-3").ok());
}

TEST_F(CheckpointStorageTest, JobDirectoryNamesAreSafeAndDistinct) {
  std::string a = JobDirectoryName("insert-into_default_catalog.default_database.q5");
  EXPECT_EQ(a.rfind("insert-into_default_catalog.default_database.q5-", 0), 0u) << a;
  std::string b = JobDirectoryName("a/b c");
  EXPECT_EQ(b.find('/'), std::string::npos);
  EXPECT_EQ(b.find(' '), std::string::npos);
  EXPECT_NE(JobDirectoryName("a/b"), JobDirectoryName("a_b"));
}

TEST_F(CheckpointStorageTest, SavepointsAreSelfContainedDirectories) {
  std::string directory = root_ + "/savepoint-1";
  fs::create_directories(directory);
  WriteFile(directory + "/operator-0", "operator state");
  CheckpointMetadata metadata;
  metadata.id = 7;
  metadata.savepoint = true;
  metadata.payload = "handles";
  Result<CheckpointFile> file = CheckpointStorage::DescribeFile(directory, "operator-0");
  ASSERT_TRUE(file.ok());
  metadata.files.push_back(*file);
  ASSERT_TRUE(CheckpointStorage::WriteMetadata(directory, metadata).ok());
  EXPECT_FALSE(fs::exists(directory + "/_metadata.inprogress"));

  Result<CheckpointMetadata> loaded = CheckpointStorage::Load(directory);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->savepoint);
  EXPECT_EQ(loaded->id, 7);
  EXPECT_EQ(loaded->payload, "handles");
  Result<CheckpointMetadata> missing = CheckpointStorage::Load(root_ + "/nothing-here");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tiangong
