#include "common/files.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <xxhash.h>

#include "common/scratch_directory.h"

namespace tiangong {
namespace {

std::string Bytes(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return bytes;
}

// Writes `bytes` in pieces of `piece` bytes and checks the file and its digest.
void WriteAndCheck(const std::filesystem::path& directory, size_t size, size_t piece) {
  std::string bytes = Bytes(size);
  std::string path = (directory / ("file-" + std::to_string(size))).string();
  Result<std::unique_ptr<SyncedFileWriter>> writer = SyncedFileWriter::Create(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (size_t at = 0; at < size; at += piece) {
    ASSERT_TRUE((*writer)->Append(std::string_view(bytes).substr(at, piece)).ok());
  }
  Result<FileDigest> digest = (*writer)->Close();
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(digest->size, size);
  EXPECT_EQ(digest->checksum, XXH3_64bits(bytes.data(), bytes.size()));
  Result<std::string> read = ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(*read == bytes) << "size " << size << ": the file differs from what was written";
}

void WriteSizes(const std::filesystem::path& directory) {
  for (size_t size : {0, 1, 4095, 4096, 1 << 20, (1 << 20) + 4097, (3 << 20) + 7}) {
    WriteAndCheck(directory, size, 1000);
    WriteAndCheck(directory, size, 1 << 21);
  }
}

TEST(SyncedFileWriterTest, WritesWhatItWasGivenAndItsDigest) {
  ScratchDirectory scratch("files-test");
  ASSERT_FALSE(scratch.path().empty());
  WriteSizes(scratch.path());
}

TEST(SyncedFileWriterTest, WritesOnFileSystemsWithoutDirectIo) {
  // tmpfs refuses O_DIRECT: the writer goes through the page cache there.
  if (!std::filesystem::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm";
  ScratchDirectory scratch("files-test", "/dev/shm");
  ASSERT_FALSE(scratch.path().empty());
  WriteSizes(scratch.path());
}

TEST(SyncedFileWriterTest, NamesThePathItCannotCreate) {
  ScratchDirectory scratch("files-test");
  std::string path = (scratch.path() / "missing" / "file").string();
  Result<std::unique_ptr<SyncedFileWriter>> writer = SyncedFileWriter::Create(path);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find(path), std::string::npos) << writer.status().ToString();
  EXPECT_NE(writer.status().message().find("No such file"), std::string::npos);
}

TEST(WriteFileSyncedTest, ReplacesTheFile) {
  ScratchDirectory scratch("files-test");
  std::string path = (scratch.path() / "small").string();
  ASSERT_TRUE(WriteFileSynced(path, "a longer first version").ok());
  ASSERT_TRUE(WriteFileSynced(path, "second").ok());
  EXPECT_EQ(*ReadFile(path), "second");
}

}  // namespace
}  // namespace tiangong
