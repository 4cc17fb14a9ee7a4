#include "connectors/filesystem/partition_path.h"

#include <gtest/gtest.h>

namespace tiangong {
namespace {

TEST(PartitionPathTest, EscapesCharactersThatAreUnsafeInDirectoryNames) {
  std::string escaped;
  AppendEscapedPathName("10:00", &escaped);
  EXPECT_EQ(escaped, "10%3A00");
  escaped.clear();
  AppendEscapedPathName("a/b=c%d e", &escaped);
  EXPECT_EQ(escaped, "a%2Fb%3Dc%25d e");
  escaped.clear();
  AppendEscapedPathName("2024-01-01", &escaped);
  EXPECT_EQ(escaped, "2024-01-01");
}

TEST(PartitionPathTest, UnescapeReversesEscape) {
  for (const char* name : {"10:00", "a/b=c%d e", "x#y?z", "%", "plain"}) {
    std::string escaped;
    AppendEscapedPathName(name, &escaped);
    EXPECT_EQ(UnescapePathName(escaped), name) << escaped;
  }
  // A '%' without two hex digits stays.
  EXPECT_EQ(UnescapePathName("50%"), "50%");
  EXPECT_EQ(UnescapePathName("%zz"), "%zz");
}

TEST(PartitionPathTest, BuildsAndParsesHiveStylePaths) {
  std::vector<std::string> keys = {"dt", "hm"};
  std::string path = PartitionPath(keys, {"2024-01-01", "10:00"});
  EXPECT_EQ(path, "dt=2024-01-01/hm=10%3A00");
  auto values = ParsePartitionPath(path, keys);
  ASSERT_TRUE(values.has_value());
  EXPECT_EQ(*values, (std::vector<std::string>{"2024-01-01", "10:00"}));
  // Deeper directories below the partition are allowed.
  EXPECT_TRUE(ParsePartitionPath("dt=1/hm=2/extra", keys).has_value());
  EXPECT_FALSE(ParsePartitionPath("dt=1", keys).has_value());
  EXPECT_FALSE(ParsePartitionPath("hm=2/dt=1", keys).has_value());
  EXPECT_FALSE(ParsePartitionPath("dt=1/other", keys).has_value());
  EXPECT_FALSE(ParsePartitionPath("", keys).has_value());
}

}  // namespace
}  // namespace tiangong
