#include "udf/plugin.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "udf/plugin_set.h"

namespace tiangong::udf {
namespace {

namespace fs = std::filesystem;

constexpr const char* kExamplePlugin = TIANGONG_EXAMPLE_UDF_PLUGIN;
constexpr const char* kCountChar = "com.github.nexmark.flink.udf.CountChar";

// A fresh directory per test, removed afterwards.
class TempDirectory {
 public:
  TempDirectory()
      : path_(fs::temp_directory_path() /
              ("tiangong-udf-test-" + std::to_string(getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDirectory() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(PluginTest, LoadsTheExamplePluginAndDescribesItsFunctions) {
  Result<PluginPtr> plugin = Plugin::Load(kExamplePlugin);
  ASSERT_TRUE(plugin.ok()) << plugin.status().ToString();
  EXPECT_EQ((*plugin)->name(), "tiangong-example-udf");
  EXPECT_EQ((*plugin)->path(), kExamplePlugin);

  const PluginFunction* count_char = (*plugin)->Find(kCountChar);
  ASSERT_NE(count_char, nullptr);
  EXPECT_EQ(count_char->kind, FunctionKind::kScalar);
  EXPECT_EQ(count_char->Signature("count_char"), "count_char(STRING, STRING)");
  EXPECT_EQ(count_char->result_type, DataType::BigInt(false));
  EXPECT_TRUE(count_char->deterministic);

  const PluginFunction* average = (*plugin)->Find("com.example.udf.WeightedAvg");
  ASSERT_NE(average, nullptr);
  EXPECT_EQ(average->kind, FunctionKind::kAggregate);
  EXPECT_EQ(average->result_type, DataType::Double());

  const PluginFunction* split = (*plugin)->Find("com.example.udf.SplitToRows");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->kind, FunctionKind::kTable);
  EXPECT_EQ(split->result_type.ToString(), "ROW<`word` STRING, `pos` INT NOT NULL> NOT NULL");

  EXPECT_EQ((*plugin)->Find("com.github.nexmark.flink.udf.countchar"), nullptr)
      << "identifiers are compared exactly";
}

TEST(PluginTest, MissingFileIsNamed) {
  Result<PluginPtr> plugin = Plugin::Load("/no/such/libplugin.so");
  ASSERT_FALSE(plugin.ok());
  EXPECT_EQ(plugin.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(plugin.status().message(), "UDF plugin '/no/such/libplugin.so' does not exist");
}

TEST(PluginTest, FileThatIsNotALibraryFailsWithTheLoaderMessage) {
  TempDirectory directory;
  fs::path file = directory.path() / "notes.so";
  std::ofstream(file) << "not a shared library\n";
  Result<PluginPtr> plugin = Plugin::Load(file.string());
  ASSERT_FALSE(plugin.ok());
  EXPECT_NE(plugin.status().message().find("Cannot load UDF plugin '" + file.string() + "'"),
            std::string::npos)
      << plugin.status().message();
}

TEST(PluginTest, LibraryWithoutEntryPointIsRefused) {
  Result<PluginPtr> plugin = Plugin::Load(TIANGONG_NO_ENTRY_POINT_PLUGIN);
  ASSERT_FALSE(plugin.ok());
  EXPECT_NE(plugin.status().message().find("is not a Tiangong UDF plugin: it does not export the "
                                           "function tiangong_udf_plugin_v1"),
            std::string::npos)
      << plugin.status().message();
}

TEST(PluginTest, OtherAbiVersionIsRefused) {
  Result<PluginPtr> plugin = Plugin::Load(TIANGONG_WRONG_VERSION_PLUGIN);
  ASSERT_FALSE(plugin.ok());
  EXPECT_NE(plugin.status().message().find("was built for UDF ABI version 2, but this Tiangong "
                                           "supports version 1"),
            std::string::npos)
      << plugin.status().message();
}

// Descriptions the loader must refuse, each with a message naming the function.
int32_t NoOpScalar(const tiangong_udf_scalar_call*) { return TIANGONG_UDF_OK; }

const tiangong_udf_type kString = {TIANGONG_UDF_TYPE_STRING, 0, 0, 0};
const tiangong_udf_type kUnknownType = {42, 0, 0, 0};
const tiangong_udf_type kBadDecimal = {TIANGONG_UDF_TYPE_DECIMAL, 40, 2, 0};

tiangong_udf_function Scalar(const char* identifier, const tiangong_udf_type* arguments,
                             int32_t num_args, tiangong_udf_type result) {
  tiangong_udf_function function{};
  function.identifier = identifier;
  function.kind = TIANGONG_UDF_SCALAR;
  function.num_args = num_args;
  function.arg_types = arguments;
  function.result_type = result;
  function.eval = NoOpScalar;
  return function;
}

Status Describe(std::vector<tiangong_udf_function> functions) {
  tiangong_udf_plugin plugin{TIANGONG_UDF_ABI_VERSION, "test",
                             static_cast<int32_t>(functions.size()), functions.data()};
  return Plugin::FromDescriptor(&plugin, "test-plugin").status();
}

TEST(PluginTest, InvalidDescriptionsAreRefusedNamingTheFunction) {
  EXPECT_EQ(Describe({Scalar("a.B", &kUnknownType, 1, kString)}).message(),
            "UDF plugin 'test-plugin', function 'a.B': argument 1: unknown type id 42");
  EXPECT_EQ(Describe({Scalar("a.B", &kString, 1, kBadDecimal)}).message(),
            "UDF plugin 'test-plugin', function 'a.B': the result: DECIMAL(40, 2) is not a valid "
            "decimal type");
  EXPECT_EQ(Describe({Scalar("a.B", &kString, 1, kString), Scalar("a.B", &kString, 1, kString)})
                .message(),
            "UDF plugin 'test-plugin', function 'a.B': the identifier is declared twice");
  EXPECT_EQ(Describe({Scalar(nullptr, &kString, 1, kString)}).message(),
            "UDF plugin 'test-plugin', function #1: it has no identifier");

  tiangong_udf_function no_eval = Scalar("a.NoEval", &kString, 1, kString);
  no_eval.eval = nullptr;
  EXPECT_EQ(Describe({no_eval}).message(),
            "UDF plugin 'test-plugin', function 'a.NoEval': a scalar function needs eval");

  tiangong_udf_function aggregate{};
  aggregate.identifier = "a.Agg";
  aggregate.kind = TIANGONG_UDF_AGGREGATE;
  aggregate.result_type = kString;
  EXPECT_NE(Describe({aggregate}).message().find("an aggregate function needs create"),
            std::string::npos);

  tiangong_udf_function table{};
  table.identifier = "a.Table";
  table.kind = TIANGONG_UDF_TABLE;
  table.eval_table = [](const tiangong_udf_table_call*) { return TIANGONG_UDF_OK; };
  EXPECT_EQ(Describe({table}).message(),
            "UDF plugin 'test-plugin', function 'a.Table': a table function needs at least one "
            "result field");
}

TEST(PluginSetTest, LoadsFilesAndDirectoriesOnce) {
  TempDirectory directory;
  fs::copy_file(kExamplePlugin, directory.path() / "libexample.so");
  std::ofstream(directory.path() / "README.txt") << "not a plugin\n";

  PluginSet plugins;
  ASSERT_TRUE(plugins.Load(directory.path().string()).ok());
  ASSERT_EQ(plugins.plugins().size(), 1u);
  // The same file again, by another path: still one plugin.
  ASSERT_TRUE(plugins.Load((directory.path() / "." / "libexample.so").string()).ok());
  EXPECT_EQ(plugins.plugins().size(), 1u);

  Result<PluginSet::Match> match = plugins.Find(kCountChar, "count_char");
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  EXPECT_EQ(match->function->identifier, kCountChar);
}

TEST(PluginSetTest, TwoPluginsDeclaringTheSameIdentifierAreRefused) {
  TempDirectory directory;
  fs::path copy = directory.path() / "libcopy.so";
  fs::copy_file(kExamplePlugin, copy);
  PluginSet plugins;
  ASSERT_TRUE(plugins.Load(kExamplePlugin).ok());
  Status status = plugins.Load(copy.string());
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(
      status.message().find("both declare the function 'com.github.nexmark.flink.udf.CountChar'"),
      std::string::npos)
      << status.message();
  EXPECT_EQ(plugins.plugins().size(), 1u);
}

TEST(PluginSetTest, UnknownIdentifierListsWhatTheLoadedPluginsProvide) {
  PluginSet plugins;
  Result<PluginSet::Match> none = plugins.Find("com.acme.Missing", "missing");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no UDF plugin implements 'com.acme.Missing' (no plugin "
                                         "paths are configured). Set 'tiangong.udf.plugins'"),
            std::string::npos)
      << none.status().message();

  ASSERT_TRUE(plugins.LoadList(std::string(" ") + kExamplePlugin + " , ").ok());
  Result<PluginSet::Match> missing = plugins.Find("com.acme.Missing", "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            std::string("Function `missing`: no loaded UDF plugin implements 'com.acme.Missing'. "
                        "The plugins loaded from ") +
                kExamplePlugin +
                " provide: com.example.udf.CollectDistinct, com.example.udf.Mask, "
                "com.example.udf.SplitToRows, com.example.udf.WeightedAvg, "
                "com.github.nexmark.flink.udf.CountChar");
}

TEST(PluginSetTest, SplitsThePluginList) {
  EXPECT_EQ(SplitPluginList(" a.so, ,/b/ ,"), (std::vector<std::string>{"a.so", "/b/"}));
  EXPECT_TRUE(SplitPluginList("").empty());
}

}  // namespace
}  // namespace tiangong::udf
