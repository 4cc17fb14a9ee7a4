#include "control/job_registry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace tiangong {
namespace {

namespace fs = std::filesystem;

class JobRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("job-registry-test-" + std::to_string(getpid()));
    fs::remove_all(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  RegisteredJob Job(std::string id, std::string name, int64_t pid, int64_t start) {
    return RegisteredJob{std::move(id), std::move(name), pid, "127.0.0.1", 4242, "secret", start};
  }

  fs::path directory_;
};

TEST_F(JobRegistryTest, FindsLiveJobsByIdPrefixOrNameAndDropsDeadOnes) {
  JobRegistry registry(directory_.string());
  ASSERT_TRUE(registry.Register(Job("aaaa1111", "orders", getpid(), 2)).ok());
  ASSERT_TRUE(registry.Register(Job("bbbb2222", "payments", getpid(), 1)).ok());
  // A process id no process has (above the kernel's pid_max).
  ASSERT_TRUE(registry.Register(Job("cccc3333", "dead", 1 << 30, 3)).ok());

  Result<std::vector<RegisteredJob>> jobs = registry.List();
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].name, "payments");  // oldest first
  EXPECT_FALSE(fs::exists(directory_ / "cccc3333.json"));

  Result<RegisteredJob> by_name = registry.Find("orders");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, "aaaa1111");
  EXPECT_EQ(by_name->token, "secret");
  Result<RegisteredJob> by_prefix = registry.Find("bbbb");
  ASSERT_TRUE(by_prefix.ok());
  EXPECT_EQ(by_prefix->name, "payments");

  Result<RegisteredJob> missing = registry.Find("dead");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("running: payments (bbbb2222), orders (aaaa1111)"),
            std::string::npos)
      << missing.status().message();

  registry.Unregister("aaaa1111");
  EXPECT_FALSE(registry.Find("orders").ok());
}

TEST_F(JobRegistryTest, TwoJobsOfOneNameNeedAnId) {
  JobRegistry registry(directory_.string());
  ASSERT_TRUE(registry.Register(Job("aaaa1111", "orders", getpid(), 1)).ok());
  ASSERT_TRUE(registry.Register(Job("bbbb2222", "orders", getpid(), 2)).ok());
  Result<RegisteredJob> found = registry.Find("orders");
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.status().message().find("aaaa1111 bbbb2222"), std::string::npos)
      << found.status().message();
}

TEST_F(JobRegistryTest, EntriesHoldingTokensAreOwnerOnly) {
  JobRegistry registry(directory_.string());
  ASSERT_TRUE(registry.Register(Job("aaaa1111", "orders", getpid(), 1)).ok());
  struct stat info {};
  ASSERT_EQ(stat(directory_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((directory_ / "aaaa1111.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0077, 0u);
}

}  // namespace
}  // namespace tiangong
