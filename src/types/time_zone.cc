#include "types/time_zone.h"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "common/strings.h"
#include "types/temporal.h"

namespace tiangong {

struct TimeZone::Impl {
  cctz::time_zone zone;
};

TimeZone::TimeZone(std::string name, std::shared_ptr<const Impl> impl)
    : name_(std::move(name)), impl_(std::move(impl)) {}

TimeZone::~TimeZone() = default;

namespace {

// "+08:00", "-5", "GMT+8", "UTC+05:30" → offset in seconds.
bool ParseFixedOffset(std::string_view name, int* seconds) {
  std::string_view text = name;
  if (text.starts_with("GMT") || text.starts_with("UTC")) text.remove_prefix(3);
  if (text.empty() || (text[0] != '+' && text[0] != '-')) return false;
  int sign = text[0] == '-' ? -1 : 1;
  text.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  size_t position = 0;
  while (position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]))) {
    hours = hours * 10 + (text[position++] - '0');
  }
  if (position == 0 || position > 2) return false;
  if (position < text.size()) {
    if (text[position] != ':') return false;
    std::string_view rest = text.substr(position + 1);
    if (rest.size() != 2 || !std::isdigit(static_cast<unsigned char>(rest[0])) ||
        !std::isdigit(static_cast<unsigned char>(rest[1]))) {
      return false;
    }
    minutes = (rest[0] - '0') * 10 + (rest[1] - '0');
  }
  if (hours > 18 || minutes > 59) return false;
  *seconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

std::string SystemZoneName() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
    return tz[0] == ':' ? tz + 1 : tz;
  }
  std::ifstream timezone_file("/etc/timezone");
  std::string name;
  if (timezone_file && std::getline(timezone_file, name) && !name.empty()) return name;
  return "localtime";
}

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view name) {
  std::string zone_name(TrimWhitespace(name));
  if (EqualsIgnoreCase(zone_name, "default")) zone_name = SystemZoneName();
  auto impl = std::make_shared<Impl>();
  int offset_seconds = 0;
  if (EqualsIgnoreCase(zone_name, "UTC") || EqualsIgnoreCase(zone_name, "GMT") ||
      zone_name == "Z") {
    impl->zone = cctz::utc_time_zone();
  } else if (ParseFixedOffset(zone_name, &offset_seconds)) {
    impl->zone = cctz::fixed_time_zone(std::chrono::seconds(offset_seconds));
  } else if (zone_name == "localtime") {
    impl->zone = cctz::local_time_zone();
  } else if (!cctz::load_time_zone(zone_name, &impl->zone)) {
    return Status::Invalid(
        "Invalid time zone '{}'. Use a name from the IANA database such as 'Asia/Shanghai' or "
        "'UTC', or an offset such as '+08:00'",
        name);
  }
  return TimeZone(zone_name, std::move(impl));
}

TimeZone TimeZone::Utc() {
  auto impl = std::make_shared<Impl>();
  impl->zone = cctz::utc_time_zone();
  return TimeZone("UTC", std::move(impl));
}

int64_t TimeZone::ToLocal(int64_t utc_micros) const {
  int64_t seconds = FloorDiv(utc_micros, kMicrosPerSecond);
  auto instant =
      std::chrono::time_point<std::chrono::system_clock, cctz::seconds>(cctz::seconds(seconds));
  auto lookup = impl_->zone.lookup(instant);
  return utc_micros + static_cast<int64_t>(lookup.offset) * kMicrosPerSecond;
}

int64_t TimeZone::ToUtc(int64_t local_micros) const {
  CivilDateTime civil = CivilFromMicros(local_micros);
  cctz::civil_second local(civil.date.year, civil.date.month, civil.date.day, civil.hour,
                           civil.minute, civil.second);
  auto lookup = impl_->zone.lookup(local);
  auto instant = lookup.kind == cctz::time_zone::civil_lookup::SKIPPED ? lookup.trans : lookup.pre;
  int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(instant.time_since_epoch()).count();
  return seconds * kMicrosPerSecond + civil.micros;
}

}  // namespace tiangong
