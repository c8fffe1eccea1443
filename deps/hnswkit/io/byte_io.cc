// File and memory byte streams; the file writer replaces its target atomically.
#include "io/byte_io.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/windows_api.h"
#else
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#endif

namespace hnswkit {
namespace {

std::string system_error_text() {
  const int code = errno;
  return std::string(std::strerror(code));
}

#ifdef _WIN32
// Paths are UTF-8 everywhere; Windows needs the wide API for anything outside the ANSI code page (the narrow
// functions of the C runtime would read "índice.bin" in the ANSI code page and open another name, or none).
std::wstring widen(const std::string& utf8) {
  if (utf8.empty()) return std::wstring();
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX)) throw Error(ErrorCode::kIo, "path too long");
  const int size = static_cast<int>(utf8.size());
  const int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), size, nullptr, 0);
  if (n <= 0) throw Error(ErrorCode::kIo, "path is not valid UTF-8: " + utf8);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), size, &out[0], n);
  return out;
}

// The system's words for a Win32 error code, in UTF-8, e.g. "Access is denied. (Windows error 5)".
std::string windows_error_text(DWORD code) {
  wchar_t* text = nullptr;
  const DWORD length = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                          FORMAT_MESSAGE_IGNORE_INSERTS,
                                      nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string out;
  if (length > 0 && text != nullptr) {
    const int n = WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
    if (n > 0) {
      out.resize(static_cast<std::size_t>(n));
      WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), &out[0], n, nullptr, nullptr);
    }
  }
  if (text != nullptr) LocalFree(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  if (out.empty()) out = "unknown error";
  return out + " (Windows error " + std::to_string(code) + ")";
}
#endif

bool seek_to(std::FILE* file, std::size_t position) {
#ifdef _WIN32
  return _fseeki64(file, static_cast<long long>(position), SEEK_SET) == 0;
#else
  return fseeko(file, static_cast<off_t>(position), SEEK_SET) == 0;
#endif
}

// `name` in the directory of `path`: its last component replaced, or `name` alone for a path without a directory.
std::string sibling_path(const std::string& path, const std::string& name) {
  const std::size_t slash = path.find_last_of("/\\");
  if (slash == std::string::npos) return name;
  return path.substr(0, slash + 1) + name;
}

std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// 12 hex digits that differ between calls, threads and processes with high probability. They only need to be
// unlikely to collide: the file is created exclusively, and a name that exists already is drawn again.
std::string random_hex12() {
  static std::atomic<std::uint64_t> sequence{0};
#ifdef _WIN32
  const std::uint64_t pid = GetCurrentProcessId();
#else
  const std::uint64_t pid = static_cast<std::uint64_t>(getpid());
#endif
  const auto steady = std::chrono::steady_clock::now().time_since_epoch().count();
  const auto wall = std::chrono::system_clock::now().time_since_epoch().count();
  int local = 0;
  std::uint64_t x = mix64(pid ^ (sequence.fetch_add(1) << 32));
  x = mix64(x ^ static_cast<std::uint64_t>(steady));
  x = mix64(x ^ static_cast<std::uint64_t>(wall));
  x = mix64(x ^ static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&local)));
  static const char kDigits[] = "0123456789abcdef";
  std::string out(12, '0');
  for (char& digit : out) {
    digit = kDigits[x & 0xF];
    x >>= 4;
  }
  return out;
}

// Creates `path` for writing, failing with EEXIST if anything is there; a new file gets 0666 less the umask.
std::FILE* create_exclusive(const std::string& path) {
#ifdef _WIN32
  // Not _wfopen's "x" mode: the msvcrt.dll that mingw-w64 links does not know it. The descriptor is not inherited
  // by child processes (_O_NOINHERIT), as O_CLOEXEC on POSIX; new files on Windows get their directory's ACL.
  const int fd = _wopen(widen(path).c_str(), _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT,
                        _S_IREAD | _S_IWRITE);
  if (fd < 0) return nullptr;
  std::FILE* file = _fdopen(fd, "wb");
  if (file == nullptr) {
    const int code = errno;
    _close(fd);
    _wremove(widen(path).c_str());
    errno = code;
  }
  return file;
#else
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return nullptr;
  std::FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    const int code = errno;
    close(fd);
    unlink(path.c_str());
    errno = code;
  }
  return file;
#endif
}

void remove_file(const std::string& path) {
#ifdef _WIN32
  _wremove(widen(path).c_str());
#else
  unlink(path.c_str());
#endif
}

#ifdef _WIN32
using FileInfo = struct _stat64;
bool has_type(const FileInfo& info, unsigned type) { return (static_cast<unsigned>(info.st_mode) & _S_IFMT) == type; }
bool is_regular(const FileInfo& info) { return has_type(info, _S_IFREG); }
#else
using FileInfo = struct stat;
bool is_regular(const FileInfo& info) { return S_ISREG(info.st_mode); }
#endif

// What is at a path, in words, for the message that refuses to replace it.
const char* kind_of(const FileInfo& info) {
#ifdef _WIN32
  if (has_type(info, _S_IFDIR)) return "a directory";
  if (has_type(info, _S_IFCHR)) return "a character device";
#else
  if (S_ISDIR(info.st_mode)) return "a directory";
  if (S_ISCHR(info.st_mode)) return "a character device";
  if (S_ISBLK(info.st_mode)) return "a block device";
  if (S_ISFIFO(info.st_mode)) return "a FIFO";
  if (S_ISSOCK(info.st_mode)) return "a socket";
  if (S_ISLNK(info.st_mode)) return "a symbolic link";
#endif
  return "an unknown kind of file";
}

// A save replaces only regular files: renaming over a directory fails anyway, and renaming over a device, FIFO or
// socket would take the special file away from everything else that uses it (as root, even /dev/null).
void refuse_unless_regular(const std::string& path, const std::string& target, const FileInfo& info) {
  if (is_regular(info)) return;
  const std::string what = kind_of(info);
  if (target == path)
    throw Error(ErrorCode::kIo, "cannot replace " + path + ": it is " + what + ", not a regular file");
  throw Error(ErrorCode::kIo,
              "cannot replace " + path + ": it links to " + target + ", " + what + ", not a regular file");
}

#ifdef _WIN32
// Windows does not let a rename replace a read-only file (POSIX renames over any file in a writable directory).
// Refused before anything is written, with words rather than "Access is denied".
void refuse_if_read_only(const std::string& path, const FileInfo& info) {
  if ((info.st_mode & _S_IWRITE) == 0) {
    throw Error(ErrorCode::kIo, "cannot replace " + path + ": it is read-only");
  }
}
#endif

#ifndef _WIN32
std::string read_link(const std::string& link, std::size_t size_hint, const std::string& path) {
  // st_size is the target's length on most file systems, but 0 on some; grow until the target fits.
  std::vector<char> buffer(size_hint + 1 > 256 ? size_hint + 1 : 256);
  for (;;) {
    const ssize_t n = readlink(link.c_str(), buffer.data(), buffer.size());
    if (n < 0) throw Error(ErrorCode::kIo, "cannot write " + path + ": " + system_error_text());
    if (static_cast<std::size_t>(n) < buffer.size()) return std::string(buffer.data(), static_cast<std::size_t>(n));
    buffer.resize(buffer.size() * 2);
  }
}

// The path a save to `path` must replace: `path` itself, or, through a chain of symbolic links, the last link's
// target (a relative target is taken from its link's directory). Replacing the link instead would leave its target
// with the old index. The result need not exist: a dangling link names the file to create. Sets `exists` and, if
// something is there, `info` (never a symbolic link).
std::string resolve_links(const std::string& path, FileInfo* info, bool* exists) {
  constexpr int kMaxLinks = 40;  // as Linux's limit for one lookup
  std::string current = path;
  for (int followed = 0;; ++followed) {
    if (lstat(current.c_str(), info) != 0) {
      if (errno != ENOENT) throw Error(ErrorCode::kIo, "cannot write " + path + ": " + system_error_text());
      *exists = false;
      return current;
    }
    if (!S_ISLNK(info->st_mode)) {
      *exists = true;
      return current;
    }
    if (followed == kMaxLinks) throw Error(ErrorCode::kIo, "cannot write " + path + ": " + std::strerror(ELOOP));
    const std::string target = read_link(current, static_cast<std::size_t>(info->st_size), path);
    current = target[0] == '/' ? target : sibling_path(current, target);
  }
}

// The new file takes the old one's place, so it takes its permission bits, and its owner and group as far as this
// process may set them (only a privileged process may give a file away; the owner may pick one of its groups).
// Returns false with errno set if the permission bits cannot be set on a file system that has them.
bool keep_owner_and_mode(int fd, const FileInfo& old) {
  if (fchown(fd, old.st_uid, old.st_gid) != 0 && fchown(fd, static_cast<uid_t>(-1), old.st_gid) != 0) {
    // Neither allowed nor supported here: the file keeps this process's owner and group, as a new file would.
  }
  // After fchown, which clears the set-user-ID and set-group-ID bits.
  if (fchmod(fd, old.st_mode & 07777) == 0) return true;
  // Some file systems (FAT, some network mounts) have no per-file permission bits to keep.
  return errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP;
}
#endif

#ifndef _WIN32
std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\");
  if (slash == std::string::npos) return ".";
  if (slash == 0) return path.substr(0, 1);
  return path.substr(0, slash);
}
#endif

}  // namespace

// ---- readers ------------------------------------------------------------------------------------------------

void ByteReader::read(void* out, std::size_t n, const char* what) {
  if (n > remaining()) {
    throw Error(ErrorCode::kCorruptFile, std::string("Index seems to be corrupted or unsupported: input ends inside ") +
                                             what + " (needs " + std::to_string(n) + " bytes at offset " +
                                             std::to_string(position_) + ", total size " + std::to_string(size_) + ")");
  }
  if (n > 0) read_at(position_, out, n);
  position_ += n;
}

void ByteReader::seek(std::size_t position, const char* what) {
  if (position > size_) {
    throw Error(ErrorCode::kCorruptFile, std::string("Index seems to be corrupted or unsupported: input ends inside ") +
                                             what + " (offset " + std::to_string(position) + ", total size " +
                                             std::to_string(size_) + ")");
  }
  position_ = position;
}

namespace {

// Opens path for reading and checks that it is a regular file (see FileReader), leaving its size in *size.
#ifdef _WIN32
HANDLE open_regular_file(const std::string& path, std::size_t* size) {
  // CreateFileW rather than _wfopen: FILE_SHARE_DELETE lets a save replace the file while it is being read, as a
  // rename over an open file does on POSIX (_wfopen shares reading and writing only).
  const std::wstring wide = widen(path);
  HANDLE handle = CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    // A directory cannot be opened this way at all: name it as POSIX systems do, where the open succeeds.
    const DWORD attributes = GetFileAttributesW(wide.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
      throw Error(ErrorCode::kIo, "failed to open file: " + path + " (not a regular file)");
    }
    throw Error(ErrorCode::kIo, "failed to open file: " + path);
  }
  // Devices (NUL, CON, COM1) and pipes are not disk files, whatever their name looks like.
  LARGE_INTEGER length;
  if (GetFileType(handle) != FILE_TYPE_DISK || !GetFileSizeEx(handle, &length)) {
    CloseHandle(handle);
    throw Error(ErrorCode::kIo, "failed to open file: " + path + " (not a regular file)");
  }
  *size = static_cast<std::size_t>(length.QuadPart);
  return handle;
}
#else
int open_regular_file(const std::string& path, std::size_t* size) {
  // O_NONBLOCK so that opening a FIFO (which would wait for a writer) or a device returns at once; the file type is
  // checked on the descriptor itself, so the path cannot be swapped between the check and the read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::kIo, "failed to open file: " + path);
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    throw Error(ErrorCode::kIo, "failed to open file: " + path + " (not a regular file)");
  }
  *size = static_cast<std::size_t>(info.st_size);
  return fd;
}
#endif

}  // namespace

FileReader::FileReader(const std::string& path) : path_(path) {
  const auto handle = open_regular_file(path, &size_);
#ifdef _WIN32
  const int fd = _open_osfhandle(reinterpret_cast<std::intptr_t>(handle), _O_RDONLY | _O_BINARY);
  if (fd < 0) {
    CloseHandle(handle);
    throw Error(ErrorCode::kIo, "failed to open file: " + path + " (" + system_error_text() + ")");
  }
  file_ = _fdopen(fd, "rb");
  if (file_ == nullptr) {
    const std::string reason = system_error_text();
    _close(fd);  // closes the handle too
    throw Error(ErrorCode::kIo, "failed to open file: " + path + " (" + reason + ")");
  }
#else
  const int fd = handle;
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 || (file_ = fdopen(fd, "rb")) == nullptr) {
    const std::string reason = system_error_text();
    close(fd);
    throw Error(ErrorCode::kIo, "failed to open file: " + path + " (" + reason + ")");
  }
#endif
}

FileReader::~FileReader() {
  if (file_ != nullptr) std::fclose(file_);
}

void FileReader::read_at(std::size_t position, void* out, std::size_t n) {
  if (position != file_position_ && !seek_to(file_, position)) {
    throw Error(ErrorCode::kIo, "cannot seek in " + path_ + ": " + system_error_text());
  }
  const std::size_t got = std::fread(out, 1, n, file_);
  file_position_ = position + got;
  if (got != n) {
    // The size was checked on open, so a short read means the file changed underneath or the device failed.
    throw Error(ErrorCode::kIo,
                "cannot read " + path_ + ": " +
                    (std::ferror(file_) ? system_error_text() : std::string("file shrank while reading")));
  }
}

// ---- writers ------------------------------------------------------------------------------------------------

void ByteWriter::zeros(std::size_t n) {
  // Allocated, not a static array of zeros, which every binary would have to carry.
  const std::vector<char> block(n < 65536 ? n : 65536, 0);
  while (n > 0) {
    const std::size_t chunk = n < block.size() ? n : block.size();
    write(block.data(), chunk);
    n -= chunk;
  }
}

void BufferWriter::write(const void* data, std::size_t n) {
  const std::uint8_t* bytes = static_cast<const std::uint8_t*>(data);
  bytes_.insert(bytes_.end(), bytes, bytes + n);
}

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path) {
  FileInfo existing;
  bool exists = false;
#ifdef _WIN32
  target_ = path;
  exists = _wstat64(widen(path).c_str(), &existing) == 0;
#else
  target_ = resolve_links(path, &existing, &exists);
#endif
  if (exists) refuse_unless_regular(path_, target_, existing);
#ifdef _WIN32
  if (exists) refuse_if_read_only(path_, existing);
#endif

  // A short name of its own rather than one derived from the target's, which could exceed the file system's limit
  // on name length (NAME_MAX, 255 bytes on most) when the target's name is near that limit.
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    temp_path_ = sibling_path(target_, ".hnswkit-" + random_hex12() + ".tmp");
    file_ = create_exclusive(temp_path_);
    if (file_ != nullptr) break;
    if (errno != EEXIST || attempt == kAttempts) {
      throw Error(ErrorCode::kIo,
                  "cannot write " + path + ": " + system_error_text() + " (while creating " + temp_path_ + ")");
    }
  }
#ifndef _WIN32
  if (exists && !keep_owner_and_mode(fileno(file_), existing)) {
    const std::string reason = system_error_text();
    std::fclose(file_);
    file_ = nullptr;
    remove_file(temp_path_);
    throw Error(ErrorCode::kIo,
                "cannot write " + path + ": " + reason + " (while setting the mode of " + temp_path_ + ")");
  }
#endif
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) remove_file(temp_path_);
}

void AtomicFileWriter::write(const void* data, std::size_t n) {
  if (n > 0 && std::fwrite(data, 1, n, file_) != n) {
    throw Error(ErrorCode::kIo, "cannot write " + path_ + ": " + system_error_text());
  }
}

void AtomicFileWriter::commit() {
  if (std::fflush(file_) != 0) throw Error(ErrorCode::kIo, "cannot write " + path_ + ": " + system_error_text());
#ifdef _WIN32
  if (_commit(_fileno(file_)) != 0) throw Error(ErrorCode::kIo, "cannot sync " + path_ + ": " + system_error_text());
#else
  if (fsync(fileno(file_)) != 0) throw Error(ErrorCode::kIo, "cannot sync " + path_ + ": " + system_error_text());
#endif
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (closed != 0) throw Error(ErrorCode::kIo, "cannot write " + path_ + ": " + system_error_text());
#ifdef _WIN32
  // The target was checked when the save began, which may be minutes ago for a large index: check it again.
  FileInfo now;
  if (_wstat64(widen(target_).c_str(), &now) == 0) {
    refuse_unless_regular(path_, target_, now);
    refuse_if_read_only(path_, now);
  }
  // One step that either leaves the old file or puts the new one in its place; WRITE_THROUGH returns only once the
  // rename is on disk, as the directory fsync does on POSIX.
  if (!MoveFileExW(widen(temp_path_).c_str(), widen(target_).c_str(),
                   MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    throw Error(ErrorCode::kIo, "cannot replace " + path_ + ": " + windows_error_text(GetLastError()));
  }
#else
  // The target was checked when the save began, which may be minutes ago for a large index: check it again.
  FileInfo now;
  if (lstat(target_.c_str(), &now) == 0) refuse_unless_regular(path_, target_, now);
  if (std::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    throw Error(ErrorCode::kIo, "cannot replace " + path_ + ": " + system_error_text());
  }
  // Make the rename itself durable; a failure here leaves a complete file in place, so it is not reported.
  const int dir = open(directory_of(target_).c_str(), O_RDONLY);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
#endif
  committed_ = true;
}

// ---- mapped files -------------------------------------------------------------------------------------------

#ifdef _WIN32

MappedFile::MappedFile(const std::string& path) : path_(path) {
  HANDLE file = open_regular_file(path, &size_);
  if (size_ == 0) {  // nothing to map; readers then report the file as too short
    CloseHandle(file);
    return;
  }
  // The view keeps the mapping, and the mapping the file, open once both handles are closed.
  HANDLE mapping = CreateFileMappingW(file, nullptr, PAGE_READONLY, 0, 0, nullptr);
  const DWORD error = GetLastError();
  CloseHandle(file);
  if (mapping == nullptr) throw Error(ErrorCode::kIo, "cannot map " + path + ": " + windows_error_text(error));
  const void* view = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, 0);
  const DWORD view_error = GetLastError();
  CloseHandle(mapping);
  if (view == nullptr) throw Error(ErrorCode::kIo, "cannot map " + path + ": " + windows_error_text(view_error));
  data_ = static_cast<const std::uint8_t*>(view);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) UnmapViewOfFile(data_);
}

// Windows refuses to truncate a file that has a mapped view.
bool MappedFile::shrunk() const { return false; }

#else

// The SIGBUS handler's list of live mappings. Entries are never freed, only reused, because the handler may walk
// the list on any thread at any time; it reads only atomics, and calls only mmap and sigaction.
struct MappedFile::Guard {
  std::atomic<Guard*> next{nullptr};
  std::atomic<bool> taken{false};
  std::atomic<std::uintptr_t> start{0};
  std::atomic<std::size_t> length{0};  // 0 while the entry guards nothing
  std::atomic<bool> shrunk{false};
};

namespace {

std::atomic<MappedFile::Guard*> g_guards{nullptr};
struct sigaction g_previous_bus_action;
std::uintptr_t g_page_mask = 0;

// A read past the end of a file that shrank under its mapping. If the address lies in a guarded mapping, the rest of
// that mapping from the faulting page on becomes zero pages and the read is retried; the mapping is marked shrunk,
// which the index reports. Any other SIGBUS is handed to the handler that was installed before, or, if there was
// none, gets the default action (the fault repeats with it in place).
void on_bus_error(int signal_number, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (MappedFile::Guard* g = g_guards.load(std::memory_order_acquire); g != nullptr;
       g = g->next.load(std::memory_order_acquire)) {
    const std::size_t length = g->length.load(std::memory_order_acquire);
    const std::uintptr_t start = g->start.load(std::memory_order_relaxed);
    if (length == 0 || address - start >= length) continue;
    const std::uintptr_t page = address & g_page_mask;
    void* zeros = mmap(reinterpret_cast<void*>(page), start + length - page, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (zeros == MAP_FAILED) break;
    g->shrunk.store(true, std::memory_order_relaxed);
    return;
  }
  if ((g_previous_bus_action.sa_flags & SA_SIGINFO) != 0) {
    g_previous_bus_action.sa_sigaction(signal_number, info, context);
  } else if (g_previous_bus_action.sa_handler != SIG_DFL && g_previous_bus_action.sa_handler != SIG_IGN) {
    g_previous_bus_action.sa_handler(signal_number);
  } else {
    struct sigaction fallback;
    std::memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigaction(SIGBUS, &fallback, nullptr);
  }
}

MappedFile::Guard* take_guard() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    g_page_mask = ~(static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE)) - 1);
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &g_previous_bus_action);
  });
  for (MappedFile::Guard* g = g_guards.load(std::memory_order_acquire); g != nullptr;
       g = g->next.load(std::memory_order_acquire)) {
    bool expected = false;
    if (g->taken.compare_exchange_strong(expected, true)) return g;
  }
  auto* g = new MappedFile::Guard;
  g->taken.store(true);
  MappedFile::Guard* head = g_guards.load();
  do {
    g->next.store(head);
  } while (!g_guards.compare_exchange_weak(head, g));
  return g;
}

}  // namespace

MappedFile::MappedFile(const std::string& path) : path_(path) {
  const int fd = open_regular_file(path, &size_);
  if (size_ == 0) {  // mmap refuses an empty range; readers then report the file as too short
    close(fd);
    return;
  }
  void* p = mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
  const std::string reason = p == MAP_FAILED ? system_error_text() : std::string();
  close(fd);  // the mapping keeps the file
  if (p == MAP_FAILED) throw Error(ErrorCode::kIo, "cannot map " + path + ": " + reason);
  data_ = static_cast<const std::uint8_t*>(p);
  guard_ = take_guard();
  guard_->shrunk.store(false, std::memory_order_relaxed);
  guard_->start.store(reinterpret_cast<std::uintptr_t>(p), std::memory_order_relaxed);
  guard_->length.store(size_, std::memory_order_release);
}

MappedFile::~MappedFile() {
  if (data_ == nullptr) return;
  guard_->length.store(0, std::memory_order_release);
  munmap(const_cast<std::uint8_t*>(data_), size_);
  guard_->taken.store(false, std::memory_order_release);
}

bool MappedFile::shrunk() const { return guard_ != nullptr && guard_->shrunk.load(std::memory_order_relaxed); }

#endif

}  // namespace hnswkit
