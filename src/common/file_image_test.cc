#include "common/file_image.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/scratch_directory.h"

namespace tiangong {
namespace {

std::string Bytes(size_t size, int seed) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + i / 7 + seed) & 0xff);
  return bytes;
}

// Writes files of `sizes` bytes into `directory`, returning them with their
// digests and their contents in `contents`.
std::vector<StoredFile> WriteFiles(const std::filesystem::path& directory,
                                   const std::vector<size_t>& sizes,
                                   std::vector<std::string>* contents) {
  std::vector<StoredFile> files;
  for (size_t i = 0; i < sizes.size(); ++i) {
    contents->push_back(Bytes(sizes[i], static_cast<int>(i)));
    std::string path = (directory / ("file-" + std::to_string(i))).string();
    Result<std::unique_ptr<SyncedFileWriter>> writer = SyncedFileWriter::Create(path);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    EXPECT_TRUE((*writer)->Append(contents->back()).ok());
    Result<FileDigest> digest = (*writer)->Close();
    EXPECT_TRUE(digest.ok()) << digest.status().ToString();
    files.push_back(StoredFile{path, *digest});
  }
  return files;
}

// Flips one byte of `path` in place: same size, other checksum.
void Damage(const std::string& path, size_t at) {
  std::string bytes = *ReadFile(path);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x5a);
  ASSERT_TRUE(WriteFileSynced(path, bytes).ok());
}

void ReadsEveryFileWhole(const std::filesystem::path& directory) {
  std::vector<std::string> contents;
  std::vector<StoredFile> files =
      WriteFiles(directory, {0, 1, 4095, 4096, (4 << 20) + 3, (9 << 20) + 4097}, &contents);
  Result<std::unique_ptr<FileImageReader>> reader = FileImageReader::Start(files);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& images = (*reader)->images();
  ASSERT_EQ(images.size(), files.size());
  for (size_t i = 0; i < images.size(); ++i) {
    EXPECT_EQ(images[i]->path(), files[i].path);
    EXPECT_EQ(images[i]->WaitFor(contents[i].size()), contents[i].size());
    Status verified = images[i]->Verify();
    EXPECT_TRUE(verified.ok()) << verified.ToString();
    EXPECT_TRUE(images[i]->bytes() == contents[i]) << "file " << i << " differs";
  }
}

TEST(FileImageReaderTest, ReadsEveryFileWholeInOrder) {
  ScratchDirectory scratch("file-image-test");
  ASSERT_FALSE(scratch.path().empty());
  ReadsEveryFileWhole(scratch.path());
}

TEST(FileImageReaderTest, ReadsOnFileSystemsWithoutDirectIo) {
  if (!std::filesystem::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm";
  ScratchDirectory scratch("file-image-test", "/dev/shm");
  ASSERT_FALSE(scratch.path().empty());
  ReadsEveryFileWhole(scratch.path());
}

TEST(FileImageReaderTest, AFileChangedInPlaceFailsToVerify) {
  ScratchDirectory scratch("file-image-test");
  std::vector<std::string> contents;
  std::vector<StoredFile> files = WriteFiles(scratch.path(), {5 << 20, 1000}, &contents);
  Damage(files[0].path, 4 << 20);
  Result<std::unique_ptr<FileImageReader>> reader = FileImageReader::Start(files);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Status first = (*reader)->images()[0]->Verify();
  EXPECT_EQ(first.code(), StatusCode::kDataLoss) << first.ToString();
  EXPECT_NE(first.message().find(files[0].path), std::string::npos) << first.ToString();
  EXPECT_NE(first.message().find("corrupt"), std::string::npos) << first.ToString();
  EXPECT_TRUE((*reader)->images()[1]->Verify().ok()) << "the undamaged file after it";
}

TEST(FileImageReaderTest, AFileOfAnotherSizeOrMissingDoesNotStart) {
  ScratchDirectory scratch("file-image-test");
  std::vector<std::string> contents;
  std::vector<StoredFile> files = WriteFiles(scratch.path(), {100, 200}, &contents);
  std::filesystem::resize_file(files[1].path, 150);
  Result<std::unique_ptr<FileImageReader>> reader = FileImageReader::Start(files);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kDataLoss) << reader.status().ToString();
  EXPECT_NE(reader.status().message().find(files[1].path + "' has 150 bytes, but was written "
                                                           "with 200"),
            std::string::npos)
      << reader.status().ToString();

  std::filesystem::remove(files[1].path);
  reader = FileImageReader::Start(files);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kIOError) << reader.status().ToString();
  EXPECT_NE(reader.status().message().find(files[1].path), std::string::npos);
}

TEST(FileImageTest, AMappedFileIsCheckedWhenVerified) {
  ScratchDirectory scratch("file-image-test");
  std::vector<std::string> contents;
  std::vector<StoredFile> files = WriteFiles(scratch.path(), {3 << 20, 0}, &contents);
  for (size_t i = 0; i < files.size(); ++i) {
    Result<std::shared_ptr<const FileImage>> image = FileImage::Map(files[i]);
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    EXPECT_EQ((*image)->WaitFor(contents[i].size()), contents[i].size());
    EXPECT_TRUE((*image)->bytes() == contents[i]);
    EXPECT_TRUE((*image)->Verify().ok());
  }
  Damage(files[0].path, 17);
  Result<std::shared_ptr<const FileImage>> damaged = FileImage::Map(files[0]);
  ASSERT_TRUE(damaged.ok()) << damaged.status().ToString();
  EXPECT_EQ((*damaged)->Verify().code(), StatusCode::kDataLoss);
  // Without a digest there is nothing to check against.
  Result<std::shared_ptr<const FileImage>> unchecked =
      FileImage::Map(StoredFile{files[0].path, std::nullopt});
  ASSERT_TRUE(unchecked.ok());
  EXPECT_TRUE((*unchecked)->Verify().ok());
}

}  // namespace
}  // namespace tiangong
