#include "connectors/nexmark/nexmark_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "common/check.h"

namespace tiangong::nexmark {
namespace {

// Constants of the reference model (GeneratorConfig, NexmarkConfiguration and
// the Person/Auction/Bid generators of nexmark/nexmark).
constexpr int64_t kFirstPersonId = 1000;
constexpr int64_t kFirstAuctionId = 1000;
constexpr int64_t kFirstCategoryId = 10;
constexpr int64_t kNumCategories = 5;
constexpr int64_t kNumActivePeople = 1000;
constexpr int64_t kNumInFlightAuctions = 100;
// Ids a little ahead of the last generated person or auction may be chosen, as
// if the new person or auction event had been swapped with this one.
constexpr int64_t kPersonIdLead = 10;
constexpr int64_t kAuctionIdLead = 10;
// Hot sellers, bidders and auctions are the first (bidders: second) of each
// block of this many people or auctions.
constexpr int64_t kHotBlockSize = 100;
constexpr int64_t kHotChannelsRatio = 2;
constexpr int64_t kNumChannels = 10000;
constexpr int kMinStringLength = 3;
// Serialized sizes of the fixed-size fields, counted towards the average sizes.
constexpr int64_t kPersonFixedSize = 8;                       // id
constexpr int64_t kAuctionFixedSize = 8 + 8 + 8 + 8 + 8 + 8;  // id and five 8-byte fields
constexpr int64_t kBidFixedSize = 8 + 8 + 8 + 8;              // 3 numbers + 1 time
constexpr size_t kCreditCardSize = 19;                        // "dddd dddd dddd dddd"
constexpr size_t kEmailMaxSize = 6 + 1 + 4 + 4;               // name@host.com
constexpr int kItemNameMaxLength = 20;
constexpr int kDescriptionMaxLength = 100;
// Exact strings are written 8 bytes at a time; buffers leave this much room.
constexpr size_t kWriteSlack = 8;

constexpr std::string_view kFirstNames[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                            "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::string_view kLastNames[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                           "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::string_view kCities[] = {"Phoenix",  "Los Angeles", "San Francisco", "Boise",
                                        "Portland", "Bend",        "Redmond",       "Seattle",
                                        "Kent",     "Cheyenne"};
constexpr std::string_view kStates[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::string_view kHotChannels[] = {"Google", "Facebook", "Baidu", "Apple"};
constexpr int64_t kNumFirstNames = std::size(kFirstNames);
constexpr int64_t kNumLastNames = std::size(kLastNames);

constexpr EventFieldInfo kFieldInfos[kNumEventFields] = {
    {EventField::kPersonId, EventKind::kPerson, "id", FieldStorage::kBigInt},
    {EventField::kPersonName, EventKind::kPerson, "name", FieldStorage::kString},
    {EventField::kPersonEmailAddress, EventKind::kPerson, "emailAddress", FieldStorage::kString},
    {EventField::kPersonCreditCard, EventKind::kPerson, "creditCard", FieldStorage::kString},
    {EventField::kPersonCity, EventKind::kPerson, "city", FieldStorage::kString},
    {EventField::kPersonState, EventKind::kPerson, "state", FieldStorage::kString},
    {EventField::kPersonDateTime, EventKind::kPerson, "dateTime", FieldStorage::kTimestamp},
    {EventField::kPersonExtra, EventKind::kPerson, "extra", FieldStorage::kString},
    {EventField::kAuctionId, EventKind::kAuction, "id", FieldStorage::kBigInt},
    {EventField::kAuctionItemName, EventKind::kAuction, "itemName", FieldStorage::kString},
    {EventField::kAuctionDescription, EventKind::kAuction, "description", FieldStorage::kString},
    {EventField::kAuctionInitialBid, EventKind::kAuction, "initialBid", FieldStorage::kBigInt},
    {EventField::kAuctionReserve, EventKind::kAuction, "reserve", FieldStorage::kBigInt},
    {EventField::kAuctionDateTime, EventKind::kAuction, "dateTime", FieldStorage::kTimestamp},
    {EventField::kAuctionExpires, EventKind::kAuction, "expires", FieldStorage::kTimestamp},
    {EventField::kAuctionSeller, EventKind::kAuction, "seller", FieldStorage::kBigInt},
    {EventField::kAuctionCategory, EventKind::kAuction, "category", FieldStorage::kBigInt},
    {EventField::kAuctionExtra, EventKind::kAuction, "extra", FieldStorage::kString},
    {EventField::kBidAuction, EventKind::kBid, "auction", FieldStorage::kBigInt},
    {EventField::kBidBidder, EventKind::kBid, "bidder", FieldStorage::kBigInt},
    {EventField::kBidPrice, EventKind::kBid, "price", FieldStorage::kBigInt},
    {EventField::kBidChannel, EventKind::kBid, "channel", FieldStorage::kString},
    {EventField::kBidUrl, EventKind::kBid, "url", FieldStorage::kString},
    {EventField::kBidDateTime, EventKind::kBid, "dateTime", FieldStorage::kTimestamp},
    {EventField::kBidExtra, EventKind::kBid, "extra", FieldStorage::kString},
};

// Independent random streams of one event (or of one channel, for the channel
// directory). A value drawn from a stream depends only on the key and the
// stream, never on what else is generated.
enum class Stream : uint64_t {
  kPersonName,
  kPersonEmail,
  kPersonCreditCard,
  kPersonCity,
  kPersonState,
  kPersonExtra,
  kAuctionItemName,
  kAuctionDescription,
  kAuctionInitialBid,
  kAuctionReserve,
  kAuctionExpires,
  kAuctionSeller,
  kAuctionCategory,
  kAuctionExtra,
  kBidAuction,
  kBidBidder,
  kBidPrice,
  kBidChannel,
  kBidExtra,
  kChannelUrl,
  kHotChannelUrl,
  kCount,
};

constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

// The splitmix64 finalizer: a bijective mix of all 64 bits.
inline uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A splitmix64 sequence that starts at a point derived from (key, stream): the
// same key and stream always give the same values.
class RandomStream {
 public:
  RandomStream(uint64_t key, Stream stream)
      : state_(Mix(key * static_cast<uint64_t>(Stream::kCount) + static_cast<uint64_t>(stream))) {}

  uint64_t Next() {
    state_ += kGoldenGamma;
    return Mix(state_);
  }
  /// Uniform in [0, bound). REQUIRES: bound > 0.
  int64_t Below(int64_t bound) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(bound)) >> 64);
  }
  /// Uniform in [0, 1).
  double Fraction() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// Characters of random strings: 13 * 26 slots, the first 26 for the special
// character (probability 1/13, as the reference), 12 for each letter.
constexpr size_t kLetterSlots = 13 * 26;
struct LetterTable {
  char slots[kLetterSlots];
};

constexpr LetterTable MakeLetterTable(char special) {
  LetterTable table{};
  for (size_t i = 0; i < kLetterSlots; ++i) {
    table.slots[i] = i < 26 ? special : static_cast<char>('a' + (i - 26) % 26);
  }
  return table;
}

constexpr LetterTable kSpacedLetters = MakeLetterTable(' ');
constexpr LetterTable kUnderscoredLetters = MakeLetterTable('_');

// The reference's nextString: 3 to max_length - 1 characters, each the special
// character with probability 1/13 or else a random lower-case letter, with
// leading and trailing spaces trimmed. Writes into `scratch` (at least
// max_length bytes) and returns the trimmed part.
std::string_view WriteRandomString(RandomStream& random, int max_length, const LetterTable& letters,
                                   char* scratch) {
  size_t length =
      static_cast<size_t>(kMinStringLength + random.Below(max_length - kMinStringLength));
  uint64_t bits = 0;
  for (size_t i = 0; i < length; ++i) {
    if (i % 4 == 0) bits = random.Next();
    scratch[i] = letters.slots[((bits & 0xFFFF) * kLetterSlots) >> 16];
    bits >>= 16;
  }
  size_t begin = 0;
  size_t end = length;
  while (begin < end && scratch[begin] == ' ') ++begin;
  while (end > begin && scratch[end - 1] == ' ') --end;
  return {scratch + begin, end - begin};
}

// The reference's nextExactString: `length` characters, six per random int as
// 'a' + (int % 26) digit by digit, so half of the groups (negative ints) are
// 'a' minus a digit ('H'..'a') instead. Here seven characters come from each
// 64-bit draw: seven bytes scaled to digits 0..25 in parallel, the top bit
// choosing the sign. REQUIRES: kWriteSlack writable bytes after out + length.
void WriteExactString(RandomStream& random, size_t length, char* out) {
  constexpr uint64_t kLowBytes = 0x00FF00FF00FF00FFULL;
  constexpr uint64_t kLetterA = 0x6161616161616161ULL;
  for (size_t i = 0; i < length; i += 7) {
    uint64_t bits = random.Next();
    uint64_t even = bits & kLowBytes;
    uint64_t odd = (bits >> 8) & kLowBytes;
    // byte * 26 / 256 in each 16-bit lane: no lane overflows.
    uint64_t digits = (((even * 26) >> 8) & kLowBytes) | ((odd * 26) & ~kLowBytes);
    uint64_t text = (bits >> 63) != 0 ? kLetterA - digits : kLetterA + digits;
    std::memcpy(out + i, &text, sizeof(text));
  }
}

// The reference's nextExtra: a length such that current + length averages
// `average`, uniform within 20% of the average remainder.
size_t ExtraSize(RandomStream& random, int64_t current, int64_t average) {
  if (current > average) return 0;
  int64_t target = average - current;
  int64_t delta = static_cast<int64_t>(std::floor(static_cast<double>(target) * 0.2 + 0.5));
  int64_t minimum = target - delta;
  return static_cast<size_t>(minimum + (delta == 0 ? 0 : random.Below(2 * delta)));
}

size_t MaxExtraSize(int64_t average) { return static_cast<size_t>(average + average / 5 + 2); }

// The reference's price is round(10^(6u) * 100), u uniform in [0, 1):
// log-uniform between 100 and 10^8. 10^(6u) comes from a table of 2^12 steps,
// interpolated linearly (relative error below 1.5e-6), which is several times
// faster than exp().
constexpr int kPriceTableBits = 12;
constexpr size_t kPriceTableSize = (size_t{1} << kPriceTableBits) + 1;

const std::array<double, kPriceTableSize>& PriceTable() {
  static const auto kTable = [] {
    std::array<double, kPriceTableSize> built;
    for (size_t i = 0; i < kPriceTableSize; ++i) {
      built[i] = std::pow(10.0, 6.0 * static_cast<double>(i) / (kPriceTableSize - 1)) * 100.0;
    }
    return built;
  }();
  return kTable;
}

int64_t NextPrice(RandomStream& random, const double* table) {
  uint64_t bits = random.Next();
  size_t step = static_cast<size_t>(bits >> (64 - kPriceTableBits));
  double fraction =
      static_cast<double>((bits << kPriceTableBits) >> 11) * 0x1.0p-53;  // within the step
  double value = table[step] + (table[step + 1] - table[step]) * fraction;
  return static_cast<int64_t>(std::floor(value + 0.5));
}

// Java's Math.abs(Integer.reverse(n)): the bits of n reversed as a signed
// 32-bit int, then made positive (except for INT_MIN, which stays negative).
int64_t ReversedChannelId(uint32_t n) {
  uint32_t reversed = 0;
  for (int bit = 0; bit < 32; ++bit) reversed |= ((n >> bit) & 1U) << (31 - bit);
  int32_t value = static_cast<int32_t>(reversed);
  if (value == INT32_MIN) return value;
  return value < 0 ? -static_cast<int64_t>(value) : value;
}

std::string BaseUrl(RandomStream& random) {
  char scratch[3][8];
  std::string_view parts[3];
  for (int i = 0; i < 3; ++i)
    parts[i] = WriteRandomString(random, 5, kUnderscoredLetters, scratch[i]);
  return fmt::format("https://www.nexmark.com/{}/{}/{}/item.htm?query=1", parts[0], parts[1],
                     parts[2]);
}

// Names and URLs of the 10,000 channels and the 4 hot ones. The reference draws
// the URLs once per JVM; here they derive from the channel number, so every
// process and every subtask agrees. Immutable once built; its strings live as
// long as the process, so vectors may point at them without keeping an arena.
struct ChannelDirectory {
  std::vector<std::string> names;
  std::vector<std::string> urls;
  std::vector<std::string> hot_urls;
};

const ChannelDirectory& Channels() {
  static const ChannelDirectory kDirectory = [] {
    ChannelDirectory built;
    built.names.reserve(kNumChannels);
    built.urls.reserve(kNumChannels);
    for (int64_t n = 0; n < kNumChannels; ++n) {
      RandomStream random(static_cast<uint64_t>(n), Stream::kChannelUrl);
      std::string url = BaseUrl(random);
      // Nine channels in ten carry their id in the URL.
      if (random.Below(10) > 0) {
        url += fmt::format("&channel_id={}", ReversedChannelId(static_cast<uint32_t>(n)));
      }
      built.names.push_back(fmt::format("channel-{}", n));
      built.urls.push_back(std::move(url));
    }
    for (size_t i = 0; i < std::size(kHotChannels); ++i) {
      RandomStream random(i, Stream::kHotChannelUrl);
      built.hot_urls.push_back(BaseUrl(random));
    }
    return built;
  }();
  return kDirectory;
}

// "First Last" for every pair of names; lives as long as the process.
const std::array<std::string, kNumFirstNames * kNumLastNames>& FullNames() {
  static const auto kNames = [] {
    std::array<std::string, kNumFirstNames * kNumLastNames> built;
    for (int64_t first = 0; first < kNumFirstNames; ++first) {
      for (int64_t last = 0; last < kNumLastNames; ++last) {
        built[first * kNumLastNames + last] =
            fmt::format("{} {}", kFirstNames[first], kLastNames[last]);
      }
    }
    return built;
  }();
  return kNames;
}

// Column fillers: one loop per column, the per-event computation inlined.

template <typename Compute>
VectorPtr FillNumbers(const DataType& type, const EventRows& rows, EventKind kind,
                      Compute&& compute) {
  MutableVectorPtr out = Vector::Make(type, rows.count);
  int64_t* values = out->mutable_values<int64_t>();
  if (rows.kind_counts[static_cast<int>(kind)] == rows.count) {
    for (size_t i = 0; i < rows.count; ++i) values[i] = compute(rows.events[i]);
    return out;
  }
  uint8_t* nulls = out->mutable_nulls();
  for (size_t i = 0; i < rows.count; ++i) {
    if (rows.kinds[i] == kind) {
      values[i] = compute(rows.events[i]);
    } else {
      values[i] = 0;
      nulls[i] = 1;
    }
  }
  return out;
}

// Strings that live as long as the process (names, cities, channels, URLs).
template <typename Compute>
VectorPtr FillViews(const DataType& type, const EventRows& rows, EventKind kind,
                    Compute&& compute) {
  MutableVectorPtr out = Vector::Make(type, rows.count);
  auto* values = out->mutable_values<std::string_view>();
  if (rows.kind_counts[static_cast<int>(kind)] == rows.count) {
    for (size_t i = 0; i < rows.count; ++i) values[i] = compute(rows.events[i]);
    return out;
  }
  uint8_t* nulls = out->mutable_nulls();
  for (size_t i = 0; i < rows.count; ++i) {
    if (rows.kinds[i] == kind) {
      values[i] = compute(rows.events[i]);
    } else {
      nulls[i] = 1;
    }
  }
  return out;
}

// Strings generated per event, written straight into one block of the vector's
// arena. `write(event, out)` writes at most max_size bytes (plus kWriteSlack
// scratch) at `out` and returns the value, which lies within what it wrote.
template <typename Write>
VectorPtr FillText(const DataType& type, const EventRows& rows, EventKind kind, size_t max_size,
                   Write&& write) {
  MutableVectorPtr out = Vector::Make(type, rows.count);
  auto* values = out->mutable_values<std::string_view>();
  size_t present = rows.kind_counts[static_cast<int>(kind)];
  uint8_t* nulls = present == rows.count ? nullptr : out->mutable_nulls();
  if (present == 0) {
    std::memset(nulls, 1, rows.count);
    return out;
  }
  StringArena& arena = out->own_arena();
  size_t reserved = present * max_size + kWriteSlack;
  char* block = arena.Allocate(reserved);
  char* cursor = block;
  for (size_t i = 0; i < rows.count; ++i) {
    if (rows.kinds[i] != kind) {
      nulls[i] = 1;
      continue;
    }
    std::string_view value = write(rows.events[i], cursor);
    values[i] = value;
    cursor = const_cast<char*>(value.data()) + value.size();
  }
  arena.ShrinkLast(static_cast<size_t>(block + reserved - cursor));
  return out;
}

}  // namespace

const EventFieldInfo& InfoOf(EventField field) { return kFieldInfos[static_cast<int>(field)]; }

std::optional<EventField> FindEventField(EventKind kind, std::string_view name) {
  for (const EventFieldInfo& info : kFieldInfos) {
    if (info.kind == kind && info.name == name) return info.field;
  }
  return std::nullopt;
}

std::string_view ColumnNameOf(EventKind kind) {
  switch (kind) {
    case EventKind::kPerson:
      return "person";
    case EventKind::kAuction:
      return "auction";
    case EventKind::kBid:
      return "bid";
  }
  return "";
}

// The per-event model: ids, references between events, and field values.
class EventGenerator::Model {
 public:
  explicit Model(const EventGenerator& generator)
      : config_(generator.config_),
        cycle_(static_cast<int64_t>(generator.cycle_length_)),
        inverse_cycle_(1.0 / static_cast<double>(generator.cycle_length_)),
        delay_micros_(generator.delay_micros_),
        events_per_auction_horizon_(config_.auction_proportion > 0
                                        ? kNumInFlightAuctions * cycle_ / config_.auction_proportion
                                        : 0),
        price_table_(PriceTable().data()) {}

  // Event numbers below this are divided through doubles, exactly.
  static constexpr uint64_t kExactDivisionLimit = uint64_t{1} << 52;

  // The cycle number of `event` and its offset in the cycle; the division is
  // done through a double (with a correction step) as 64-bit division is slow.
  std::pair<int64_t, int64_t> Locate(uint64_t event) const {
    if (event >= kExactDivisionLimit) {
      return {static_cast<int64_t>(event / static_cast<uint64_t>(cycle_)),
              static_cast<int64_t>(event % static_cast<uint64_t>(cycle_))};
    }
    int64_t number = static_cast<int64_t>(event);
    int64_t epoch = static_cast<int64_t>(static_cast<double>(number) * inverse_cycle_);
    int64_t offset = number - epoch * cycle_;
    while (offset < 0) --epoch, offset += cycle_;
    while (offset >= cycle_) ++epoch, offset -= cycle_;
    return {epoch, offset};
  }

  // The last person id (from 0) generated at or before `event`.
  int64_t LastPersonId(uint64_t event) const {
    auto [epoch, offset] = Locate(event);
    if (offset >= config_.person_proportion) offset = config_.person_proportion - 1;
    return epoch * config_.person_proportion + offset;
  }

  // The last auction id (from 0) generated at or before `event`.
  int64_t LastAuctionId(uint64_t event) const {
    auto [epoch, offset] = Locate(event);
    if (offset < config_.person_proportion) {
      --epoch;
      offset = config_.auction_proportion - 1;
    } else if (offset >= config_.person_proportion + config_.auction_proportion) {
      offset = config_.auction_proportion - 1;
    } else {
      offset -= config_.person_proportion;
    }
    return epoch * config_.auction_proportion + offset;
  }

  // A random person (from 0) among the active ones, plus a few not yet
  // created, when `last_person` is the last one created.
  static int64_t ActivePersonId(int64_t last_person, RandomStream& random) {
    int64_t people = last_person + 1;
    int64_t active = std::min(people, kNumActivePeople);
    return people - active + random.Below(active + kPersonIdLead);
  }

  // A random auction (from 0) among those likely in flight, plus a few not yet
  // created, when `last_auction` is the last one created.
  static int64_t InFlightAuctionId(int64_t last_auction, RandomStream& random) {
    int64_t minimum = std::max<int64_t>(last_auction - kNumInFlightAuctions, 0);
    return minimum + random.Below(last_auction - minimum + 1 + kAuctionIdLead);
  }

  int64_t TimestampMillis(uint64_t event) const {
    return config_.base_time_millis +
           static_cast<int64_t>(static_cast<double>(event) * delay_micros_) / 1000;
  }
  int64_t TimestampMicros(uint64_t event) const { return TimestampMillis(event) * 1000; }

  // Person ------------------------------------------------------------------

  int64_t PersonId(uint64_t event) const { return LastPersonId(event) + kFirstPersonId; }

  std::string_view PersonName(uint64_t event) const {
    RandomStream random(event, Stream::kPersonName);
    int64_t first = random.Below(kNumFirstNames);
    int64_t last = random.Below(kNumLastNames);
    return FullNames()[first * kNumLastNames + last];
  }

  // REQUIRES: kEmailMaxSize + kWriteSlack bytes at `out`.
  std::string_view PersonEmail(uint64_t event, char* out) const {
    RandomStream random(event, Stream::kPersonEmail);
    char user_scratch[8];
    char host_scratch[8];
    std::string_view user = WriteRandomString(random, 7, kSpacedLetters, user_scratch);
    std::string_view host = WriteRandomString(random, 5, kSpacedLetters, host_scratch);
    char* cursor = out;
    std::memcpy(cursor, user.data(), user.size());
    cursor += user.size();
    *cursor++ = '@';
    std::memcpy(cursor, host.data(), host.size());
    cursor += host.size();
    std::memcpy(cursor, ".com", 4);
    cursor += 4;
    return {out, static_cast<size_t>(cursor - out)};
  }

  // Four groups of four digits.
  std::string_view PersonCreditCard(uint64_t event, char* out) const {
    RandomStream random(event, Stream::kPersonCreditCard);
    for (int group = 0; group < 4; ++group) {
      int64_t number = random.Below(10000);
      char* digits = out + group * 5;
      digits[0] = static_cast<char>('0' + number / 1000);
      digits[1] = static_cast<char>('0' + number / 100 % 10);
      digits[2] = static_cast<char>('0' + number / 10 % 10);
      digits[3] = static_cast<char>('0' + number % 10);
      if (group < 3) digits[4] = ' ';
    }
    return {out, kCreditCardSize};
  }

  std::string_view PersonCity(uint64_t event) const {
    RandomStream random(event, Stream::kPersonCity);
    return kCities[random.Below(std::size(kCities))];
  }

  std::string_view PersonState(uint64_t event) const {
    RandomStream random(event, Stream::kPersonState);
    return kStates[random.Below(std::size(kStates))];
  }

  std::string_view PersonExtra(uint64_t event, char* out) const {
    char email[kEmailMaxSize + kWriteSlack];
    int64_t current = kPersonFixedSize + static_cast<int64_t>(PersonName(event).size()) +
                      static_cast<int64_t>(PersonEmail(event, email).size()) + kCreditCardSize +
                      static_cast<int64_t>(PersonCity(event).size()) +
                      static_cast<int64_t>(PersonState(event).size());
    RandomStream random(event, Stream::kPersonExtra);
    size_t size = ExtraSize(random, current, config_.person_average_size);
    WriteExactString(random, size, out);
    return {out, size};
  }

  // Auction -----------------------------------------------------------------

  int64_t AuctionId(uint64_t event) const { return LastAuctionId(event) + kFirstAuctionId; }

  // REQUIRES: kItemNameMaxLength bytes at `scratch`.
  std::string_view AuctionItemName(uint64_t event, char* scratch) const {
    RandomStream random(event, Stream::kAuctionItemName);
    return WriteRandomString(random, kItemNameMaxLength, kSpacedLetters, scratch);
  }

  // REQUIRES: kDescriptionMaxLength bytes at `scratch`.
  std::string_view AuctionDescription(uint64_t event, char* scratch) const {
    RandomStream random(event, Stream::kAuctionDescription);
    return WriteRandomString(random, kDescriptionMaxLength, kSpacedLetters, scratch);
  }

  int64_t AuctionInitialBid(uint64_t event) const {
    RandomStream random(event, Stream::kAuctionInitialBid);
    return NextPrice(random, price_table_);
  }

  int64_t AuctionReserve(uint64_t event) const {
    RandomStream random(event, Stream::kAuctionReserve);
    return AuctionInitialBid(event) + NextPrice(random, price_table_);
  }

  // Auctions last on average until about kNumInFlightAuctions more auctions
  // have been created.
  int64_t AuctionExpiresMicros(uint64_t event) const {
    int64_t now = TimestampMillis(event);
    int64_t horizon = TimestampMillis(event + events_per_auction_horizon_) - now;
    RandomStream random(event, Stream::kAuctionExpires);
    return (now + 1 + random.Below(std::max<int64_t>(horizon * 2, 1))) * 1000;
  }

  int64_t AuctionSeller(uint64_t event) const {
    RandomStream random(event, Stream::kAuctionSeller);
    bool hot = random.Below(config_.hot_sellers_ratio) > 0;
    int64_t last_person = LastPersonId(event);
    int64_t any = ActivePersonId(last_person, random);
    return (hot ? last_person / kHotBlockSize * kHotBlockSize : any) + kFirstPersonId;
  }

  int64_t AuctionCategory(uint64_t event) const {
    RandomStream random(event, Stream::kAuctionCategory);
    return kFirstCategoryId + random.Below(kNumCategories);
  }

  std::string_view AuctionExtra(uint64_t event, char* out) const {
    char item_name[kItemNameMaxLength];
    char description[kDescriptionMaxLength];
    int64_t current = static_cast<int64_t>(AuctionItemName(event, item_name).size()) +
                      static_cast<int64_t>(AuctionDescription(event, description).size()) +
                      kAuctionFixedSize;
    RandomStream random(event, Stream::kAuctionExtra);
    size_t size = ExtraSize(random, current, config_.auction_average_size);
    WriteExactString(random, size, out);
    return {out, size};
  }

  // Bid ---------------------------------------------------------------------

  // Hot or any auction: both are computed and one is selected, since a branch
  // on a coin flip would mispredict half of the time. Likewise for people.
  int64_t BidAuction(uint64_t event) const {
    RandomStream random(event, Stream::kBidAuction);
    bool hot = random.Below(config_.hot_auction_ratio) > 0;
    int64_t last_auction = LastAuctionId(event);
    int64_t any = InFlightAuctionId(last_auction, random);
    return (hot ? last_auction / kHotBlockSize * kHotBlockSize : any) + kFirstAuctionId;
  }

  // The hot bidder is the second person of its block, so that hot bidders and
  // hot sellers differ. The reference adds the first person id twice to random
  // bidders (issue #30 of nexmark/nexmark); here bidders are existing people.
  int64_t BidBidder(uint64_t event) const {
    RandomStream random(event, Stream::kBidBidder);
    bool hot = random.Below(config_.hot_bidders_ratio) > 0;
    int64_t last_person = LastPersonId(event);
    int64_t any = ActivePersonId(last_person, random);
    return (hot ? last_person / kHotBlockSize * kHotBlockSize + 1 : any) + kFirstPersonId;
  }

  int64_t BidPrice(uint64_t event) const {
    RandomStream random(event, Stream::kBidPrice);
    return NextPrice(random, price_table_);
  }

  // Half of the bids come through one of the 4 hot channels (index -1 - i),
  // the others through one of 10,000 (index n).
  static int64_t BidChannelIndex(uint64_t event) {
    RandomStream random(event, Stream::kBidChannel);
    if (random.Below(kHotChannelsRatio) > 0) {
      return -1 - random.Below(std::size(kHotChannels));
    }
    return random.Below(kNumChannels);
  }

  static std::string_view BidChannel(uint64_t event) {
    int64_t index = BidChannelIndex(event);
    return index < 0 ? kHotChannels[-1 - index] : std::string_view(Channels().names[index]);
  }

  static std::string_view BidUrl(uint64_t event) {
    int64_t index = BidChannelIndex(event);
    const ChannelDirectory& channels = Channels();
    return index < 0 ? std::string_view(channels.hot_urls[-1 - index])
                     : std::string_view(channels.urls[index]);
  }

  std::string_view BidExtra(uint64_t event, char* out) const {
    RandomStream random(event, Stream::kBidExtra);
    size_t size = ExtraSize(random, kBidFixedSize, config_.bid_average_size);
    WriteExactString(random, size, out);
    return {out, size};
  }

 private:
  const NexmarkConfig& config_;
  int64_t cycle_;
  double inverse_cycle_;
  double delay_micros_;
  int64_t events_per_auction_horizon_;
  const double* price_table_;
};

EventGenerator::EventGenerator(const NexmarkConfig& config)
    : config_(config),
      cycle_length_(static_cast<uint64_t>(config.person_proportion + config.auction_proportion +
                                          config.bid_proportion)),
      auction_end_(static_cast<uint64_t>(config.person_proportion + config.auction_proportion)),
      delay_micros_(1e6 / static_cast<double>(config.first_event_rate)) {
  TG_CHECK_GT(cycle_length_, 0u);
  TG_CHECK_GT(config.first_event_rate, 0);
  // Build the shared tables now rather than inside the first batch.
  Channels();
  FullNames();
  PriceTable();
}

VectorPtr EventGenerator::GenerateEventType(const DataType& type, const EventRows& rows) const {
  MutableVectorPtr out = Vector::Make(type, rows.count);
  int32_t* values = out->mutable_values<int32_t>();
  for (size_t i = 0; i < rows.count; ++i) values[i] = static_cast<int32_t>(rows.kinds[i]);
  return out;
}

VectorPtr EventGenerator::Generate(EventField field, const DataType& type,
                                   const EventRows& rows) const {
  Model model(*this);
  constexpr EventKind kPerson = EventKind::kPerson;
  constexpr EventKind kAuction = EventKind::kAuction;
  constexpr EventKind kBid = EventKind::kBid;
  auto timestamps = [&](EventKind kind) {
    return FillNumbers(type, rows, kind, [&](uint64_t e) { return model.TimestampMicros(e); });
  };
  switch (field) {
    case EventField::kPersonId:
      return FillNumbers(type, rows, kPerson, [&](uint64_t e) { return model.PersonId(e); });
    case EventField::kPersonName:
      return FillViews(type, rows, kPerson, [&](uint64_t e) { return model.PersonName(e); });
    case EventField::kPersonEmailAddress:
      return FillText(type, rows, kPerson, kEmailMaxSize,
                      [&](uint64_t e, char* out) { return model.PersonEmail(e, out); });
    case EventField::kPersonCreditCard:
      return FillText(type, rows, kPerson, kCreditCardSize,
                      [&](uint64_t e, char* out) { return model.PersonCreditCard(e, out); });
    case EventField::kPersonCity:
      return FillViews(type, rows, kPerson, [&](uint64_t e) { return model.PersonCity(e); });
    case EventField::kPersonState:
      return FillViews(type, rows, kPerson, [&](uint64_t e) { return model.PersonState(e); });
    case EventField::kPersonDateTime:
      return timestamps(kPerson);
    case EventField::kPersonExtra:
      return FillText(type, rows, kPerson, MaxExtraSize(config_.person_average_size),
                      [&](uint64_t e, char* out) { return model.PersonExtra(e, out); });
    case EventField::kAuctionId:
      return FillNumbers(type, rows, kAuction, [&](uint64_t e) { return model.AuctionId(e); });
    case EventField::kAuctionItemName:
      return FillText(type, rows, kAuction, kItemNameMaxLength,
                      [&](uint64_t e, char* out) { return model.AuctionItemName(e, out); });
    case EventField::kAuctionDescription:
      return FillText(type, rows, kAuction, kDescriptionMaxLength,
                      [&](uint64_t e, char* out) { return model.AuctionDescription(e, out); });
    case EventField::kAuctionInitialBid:
      return FillNumbers(type, rows, kAuction,
                         [&](uint64_t e) { return model.AuctionInitialBid(e); });
    case EventField::kAuctionReserve:
      return FillNumbers(type, rows, kAuction, [&](uint64_t e) { return model.AuctionReserve(e); });
    case EventField::kAuctionDateTime:
      return timestamps(kAuction);
    case EventField::kAuctionExpires:
      return FillNumbers(type, rows, kAuction,
                         [&](uint64_t e) { return model.AuctionExpiresMicros(e); });
    case EventField::kAuctionSeller:
      return FillNumbers(type, rows, kAuction, [&](uint64_t e) { return model.AuctionSeller(e); });
    case EventField::kAuctionCategory:
      return FillNumbers(type, rows, kAuction,
                         [&](uint64_t e) { return model.AuctionCategory(e); });
    case EventField::kAuctionExtra:
      return FillText(type, rows, kAuction, MaxExtraSize(config_.auction_average_size),
                      [&](uint64_t e, char* out) { return model.AuctionExtra(e, out); });
    case EventField::kBidAuction:
      return FillNumbers(type, rows, kBid, [&](uint64_t e) { return model.BidAuction(e); });
    case EventField::kBidBidder:
      return FillNumbers(type, rows, kBid, [&](uint64_t e) { return model.BidBidder(e); });
    case EventField::kBidPrice:
      return FillNumbers(type, rows, kBid, [&](uint64_t e) { return model.BidPrice(e); });
    case EventField::kBidChannel:
      return FillViews(type, rows, kBid, [&](uint64_t e) { return Model::BidChannel(e); });
    case EventField::kBidUrl:
      return FillViews(type, rows, kBid, [&](uint64_t e) { return Model::BidUrl(e); });
    case EventField::kBidDateTime:
      return timestamps(kBid);
    case EventField::kBidExtra:
      return FillText(type, rows, kBid, MaxExtraSize(config_.bid_average_size),
                      [&](uint64_t e, char* out) { return model.BidExtra(e, out); });
  }
  TG_UNREACHABLE("unknown nexmark field");
}

VectorPtr EventGenerator::GenerateRow(EventKind kind, const std::vector<EventField>& fields,
                                      const DataType& type, const EventRows& rows) const {
  MutableVectorPtr out = Vector::Make(type, rows.count);
  for (size_t c = 0; c < fields.size(); ++c) {
    out->SetChild(c, Generate(fields[c], type.fields()[c].type, rows));
  }
  if (rows.kind_counts[static_cast<int>(kind)] != rows.count) {
    uint8_t* nulls = out->mutable_nulls();
    for (size_t i = 0; i < rows.count; ++i) nulls[i] = rows.kinds[i] != kind ? 1 : 0;
  }
  return out;
}

}  // namespace tiangong::nexmark
