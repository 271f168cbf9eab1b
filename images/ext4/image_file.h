// The output file of an image build: a temporary file next to the output,
// renamed over it only when the image is complete, and removed otherwise.
//
//   ASSIGN_OR_RETURN(TempImage tmp, TempImage::Create("out/disk.img", size));
//   ... format and fill tmp.path() ...
//   RETURN_IF_ERROR(tmp.Commit());  // rename to out/disk.img
#ifndef PERFCELL_IMAGES_EXT4_IMAGE_FILE_H_
#define PERFCELL_IMAGES_EXT4_IMAGE_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace perfcell::ext4 {

class TempImage {
 public:
  // Creates an empty sparse file of `size` bytes (ftruncate, nothing written)
  // next to `final_path`.
  static absl::StatusOr<TempImage> Create(const std::string& final_path,
                                          uint64_t size);

  // Creates the temporary file as a copy of `base`: a reflink when the file
  // system can share blocks, else a copy of its data ranges only (holes stay
  // holes).
  static absl::StatusOr<TempImage> CopyOf(const std::string& base,
                                          const std::string& final_path);

  TempImage(TempImage&& other);
  TempImage& operator=(TempImage&&) = delete;
  ~TempImage();  // removes the file unless committed

  const std::string& path() const { return path_; }

  // Renames the file to the final path (atomically replacing it).
  absl::Status Commit();

 private:
  TempImage(std::string path, std::string final_path)
      : path_(std::move(path)), final_path_(std::move(final_path)) {}

  std::string path_;
  std::string final_path_;
  bool committed_ = false;
};

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_IMAGE_FILE_H_
