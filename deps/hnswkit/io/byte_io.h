// Bounds-checked byte sources and sinks over files and memory, and the atomic file replace used by every save.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace hnswkit {

// The base of every reader and writer here: a copy would share a file, a cursor or a temporary file with its
// original, so none may be copied.
class NotCopyable {
 public:
  NotCopyable(const NotCopyable&) = delete;
  NotCopyable& operator=(const NotCopyable&) = delete;

 protected:
  NotCopyable() = default;
  ~NotCopyable() = default;
};

// A readable byte range with a cursor. Every read past the end throws Error(kCorruptFile) naming `what`.
class ByteReader : private NotCopyable {
 public:
  virtual ~ByteReader() = default;
  std::size_t size() const { return size_; }
  std::size_t position() const { return position_; }
  std::size_t remaining() const { return size_ - position_; }
  void read(void* out, std::size_t n, const char* what);
  void seek(std::size_t position, const char* what);
  template <typename T>
  T get(const char* what) {
    T value;
    read(&value, sizeof(value), what);
    return value;
  }

 protected:
  virtual void read_at(std::size_t position, void* out, std::size_t n) = 0;
  std::size_t size_ = 0;
  std::size_t position_ = 0;
};

class MemoryReader : public ByteReader {
 public:
  MemoryReader(const std::uint8_t* data, std::size_t size) : data_(data) { size_ = size; }

 protected:
  void read_at(std::size_t position, void* out, std::size_t n) override { std::memcpy(out, data_ + position, n); }

 private:
  const std::uint8_t* data_;
};

// Throws Error(kIo, "failed to open file: <path>") if the path cannot be opened for reading, and
// Error(kIo, "failed to open file: <path> (not a regular file)") for a directory, FIFO, device or socket: those are
// refused as soon as they are opened, so a FIFO with no writer does not block the caller.
class FileReader : public ByteReader {
 public:
  explicit FileReader(const std::string& path);
  ~FileReader() override;

 protected:
  void read_at(std::size_t position, void* out, std::size_t n) override;

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::size_t file_position_ = 0;
};

// A file mapped read-only into memory (mmap on POSIX, a view of a file mapping on Windows), for indexes opened with
// mmap: its pages come from the page cache, shared by every process that maps the same file, and are read from disk
// only when touched. The path is checked as FileReader checks it; an empty file maps to no bytes.
//
// A file truncated while mapped would make any read past its new end raise SIGBUS. So on POSIX systems the first
// mapping installs one SIGBUS handler for all of them: a fault inside a live mapping replaces the rest of that
// mapping with zero pages, the read is retried and sees zeros, and shrunk() becomes true; any other SIGBUS goes to
// the handler installed before (or gets the default action). Windows refuses to truncate a mapped file.
class MappedFile : private NotCopyable {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  bool shrunk() const;

  struct Guard;  // the SIGBUS handler's record of this mapping (POSIX)

 private:
  std::string path_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  Guard* guard_ = nullptr;
};

class ByteWriter : private NotCopyable {
 public:
  virtual ~ByteWriter() = default;
  virtual void write(const void* data, std::size_t n) = 0;
  void zeros(std::size_t n);
  template <typename T>
  void put(T value) {
    write(&value, sizeof(value));
  }
};

class BufferWriter : public ByteWriter {
 public:
  explicit BufferWriter(std::size_t expected_size) { bytes_.reserve(expected_size); }
  void write(const void* data, std::size_t n) override;
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<std::uint8_t> bytes_;
};

// Replaces the file `path` names, crash-safely: writes to a temporary file `.hnswkit-<12 hex digits>.tmp` beside it,
// created exclusively; commit() flushes, syncs and renames it over the target. Destroyed without commit (an exception
// on the way), it removes the temporary file and leaves the target as it was.
//
// The target is `path` with symbolic links followed (a dangling link names the file to create). An existing target
// must be a regular file, or the constructor throws Error(kIo, "cannot replace <path>: it is a directory, not a
// regular file") and commit() checks again; the new file keeps its permission bits, and its owner and group where
// the process may set them. A new file gets 0666 less the umask. Other hard links to the old file keep the old
// contents: the rename gives only the target's name to the new file.
class AtomicFileWriter : public ByteWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter() override;
  void write(const void* data, std::size_t n) override;
  void commit();

 private:
  std::string path_;       // as given, for messages
  std::string target_;     // path_ with symbolic links followed: what commit() replaces
  std::string temp_path_;  // in target_'s directory, so that the rename stays within one file system
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// Writes index with Codec::write(index, writer) to the file path names (through an AtomicFileWriter) or to memory,
// with the index's adds and deletes paused meanwhile (Index::with_writes_paused), so the bytes are one state.
template <typename Codec, typename Index>
void write_index_file(const Index& index, const std::string& path) {
  index.with_writes_paused([&] {
    AtomicFileWriter out(path);
    Codec::write(index, out);
    out.commit();
  });
}

template <typename Codec, typename Index>
std::vector<std::uint8_t> write_index_buffer(const Index& index) {
  std::vector<std::uint8_t> bytes;
  index.with_writes_paused([&] {
    BufferWriter out(Codec::serialized_size(index));
    Codec::write(index, out);
    bytes = out.take();
  });
  return bytes;
}

}  // namespace hnswkit
