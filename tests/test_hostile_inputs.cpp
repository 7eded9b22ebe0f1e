// The second round of hostile input: model files and options with absurd sizes, labels that
// are not class indices, an output folder inside the input, file names with newlines, commas
// and bytes that are not UTF-8, a flat folder of images, output names at NAME_MAX, thread
// counts out of range, inputs changed under a resumed run, two runs into one folder.
// Each refusal is one `error:` line and a non-zero exit, never a crash.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cmath>
#include <fstream>
#include <limits>
#include <thread>

#include <nlohmann/json.hpp>

#include "bottleneck/bottleneck.hpp"
#include "bottleneck/escaped_names.hpp"
#include "bottleneck/transfer/feature_extraction.hpp"
#include "support.hpp"
#include "training/training_log.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;
using testing::run_cli;
using testing::scratch_dir;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n') lines.push_back(std::exchange(line, ""));
    else line += c;
  }
  return lines;
}

std::string command_line(const std::vector<std::string>& args) {
  std::string text;
  for (const auto& a : args) text += a + " ";
  return text;
}

// Refused with one `error:` line, not killed by a signal; returns the line.
std::string expect_refused(const std::vector<std::string>& args) {
  const CommandResult r = run_cli(args);
  SCOPED_TRACE(command_line(args));
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_LT(r.exit_code, 128) << "killed by a signal: " << r.err;
  EXPECT_TRUE(r.err.starts_with("error: ")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  return r.err;
}

void write_ppm(const fs::path& path, int size, int seed) {
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << size << " " << size << "\n255\n";
  for (int p = 0; p < size * size * 3; ++p) out.put(static_cast<char>(p * (seed + 3) + seed * 40));
}

// ---------------------------------------------------------------- item 3: sizes in model files and options

// A small image model saved by the library: conv, max pooling, dense.
fs::path write_image_model(const fs::path& path) {
  clear_session();
  auto inputs = Input({8, 8, 3});
  auto x = Conv2D(4, {.kernel_h = 3, .kernel_w = 3})(inputs);
  x = MaxPooling2D({})(x);
  x = Flatten()(x);
  Model model(inputs, Dense(2, "softmax")(x), "model", 1);
  model.compile("sgd", "categorical_crossentropy", {"accuracy"});
  model.save(path.string());
  return path;
}

// The model file at `from` with one layer's config changed.
fs::path with_layer_config(const fs::path& from, const fs::path& to, const std::string& class_name,
                           const std::string& key, const json& value) {
  WeightsFile file = read_weights_file(from.string());
  json config = json::parse(*file.model_config);
  for (json& layer : config["config"]["layers"])
    if (layer["class_name"] == class_name) layer["config"][key] = value;
  write_keras_model_file(to.string(), config.dump(), file.layers, file.training_config.value_or(""));
  return to;
}

TEST(HostileModels, PredictRefusesAbsurdSizesInModelFiles) {
  const fs::path dir = scratch_dir("hostile-models"), images = dir / "images";
  fs::create_directories(images);
  for (int i = 0; i < 3; ++i) write_ppm(images / (std::to_string(i) + ".ppm"), 8, i);
  const fs::path good = write_image_model(dir / "good.h5");
  ASSERT_EQ(run_cli({"predict", good.string(), images.string()}).exit_code, 0);

  const std::vector<std::tuple<std::string, std::string, json>> cases = {
      {"Conv2D", "strides", {0, 0}},           {"Conv2D", "strides", {1, 0}},
      {"Conv2D", "strides", {-1, 1}},          {"Conv2D", "kernel_size", {0, 3}},
      {"Conv2D", "kernel_size", {1e9, 1e9}},   {"Conv2D", "filters", 1e12},
      {"Conv2D", "filters", 0},                {"Conv2D", "strides", {1.5, 1}},
      {"MaxPooling2D", "pool_size", {0, 0}},   {"MaxPooling2D", "strides", {0, 0}},
      {"MaxPooling2D", "pool_size", {-2, 2}},  {"Dense", "units", 1e18},
      {"Dense", "units", 1e30},                {"Dense", "units", json::parse("1000000000000000000")},
      {"Dense", "units", -4},                  {"Dense", "units", 2.5},
      {"Dense", "units", "many"},              {"InputLayer", "batch_input_shape", {nullptr, 8, 1e18, 3}},
  };
  int count = 0;
  for (const auto& [class_name, key, value] : cases) {
    SCOPED_TRACE(class_name + " " + key + " " + value.dump());
    const fs::path file =
        with_layer_config(good, dir / ("bad" + std::to_string(count++) + ".h5"), class_name, key, value);
    expect_refused({"predict", file.string(), images.string()});
  }
  std::printf("hostile model files: %d\n", count);
}

// Features of 8 rows of (2, 2, 4), labels 0/1, as `extract` writes them.
fs::path write_features(const fs::path& dir, const Tensor& labels = Tensor()) {
  fs::create_directories(dir);
  Tensor x({8, 2, 2, 4});
  for (int64_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) / 7.0f;
  save_npy((dir / "features.npy").string(), x);
  if (labels.empty()) save_npy((dir / "labels.npy").string(), std::vector<int32_t>{0, 1, 0, 1, 0, 1, 0, 1});
  else save_npy((dir / "labels.npy").string(), labels);
  return dir;
}

TEST(HostileModels, TrainRefusesAbsurdHeadSizes) {
  const fs::path dir = scratch_dir("hostile-heads"), features = write_features(dir / "features");
  for (const std::string head : {"flatten,dense:1e18", "flatten,dense:1e30", "flatten,dense:9223372036854775807",
                                 "flatten,dense:nan", "flatten,dense:inf", "flatten,dense:0", "flatten,dense:-3",
                                 "flatten,dense:2147483647,dense:1"}) {
    const std::string err =
        expect_refused({"train", "--train", features.string(), "-o", (dir / "m.h5").string(), "--head", head, "-q"});
    EXPECT_FALSE(fs::exists(dir / "m.h5")) << head;
  }
}

// ---------------------------------------------------------------- item 4: labels

TEST(BadLabels, TrainRefusesLabelsThatAreNotClassIndices) {
  const fs::path dir = scratch_dir("bad-labels");
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  int count = 0;
  for (float bad : {inf, -inf, nan, 1e30f, 3e9f, 0.5f, -1.0f, 2.0f}) {
    SCOPED_TRACE(bad);
    Tensor labels({8}, {0, 1, 0, 1, 0, 1, 0, bad});
    const fs::path features = write_features(dir / ("f" + std::to_string(count++)), labels);
    const std::string err = expect_refused({"train", "--train", features.string(), "-o", (dir / "m.h5").string(),
                                            "--head", "flatten,dense:1:sigmoid", "--epochs", "1", "-q"});
    EXPECT_NE(err.find(features.string()), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(dir / "m.h5"));
  }
  // More classes than the head's units.
  const fs::path features = write_features(dir / "five", Tensor({8}, {0, 1, 2, 3, 4, 0, 1, 2}));
  expect_refused({"train", "--train", features.string(), "-o", (dir / "m.h5").string(), "--head",
                  "flatten,dense:3:softmax", "--loss", "sparse_categorical_crossentropy", "--epochs", "1", "-q"});
  EXPECT_FALSE(fs::exists(dir / "m.h5"));
}

// ---------------------------------------------------------------- items 5, 7, 8: extract's folders and names

std::vector<std::string> extract_args(const fs::path& input, const fs::path& out) {
  return {"extract", input.string(), "-o", out.string(), "--model", "squeezenet", "--weights", "random",
          "--target-size", "32x32", "--batch-size", "2", "-q"};
}

fs::path write_two_classes(const fs::path& root, int per_class) {
  for (const char* label : {"a", "b"}) {
    fs::create_directories(root / label);
    for (int i = 0; i < per_class; ++i) write_ppm(root / label / (std::to_string(i) + ".ppm"), 16, i + (*label - 'a') * 7);
  }
  return root;
}

TEST(ExtractFolders, RefusesAnOutputInsideTheInput) {
  const fs::path dir = scratch_dir("output-inside-input"), images = write_two_classes(dir / "d", 2);
  fs::create_symlink(images, dir / "link");
  for (const fs::path& out : {images / "feats", images, images / "a" / "x", dir / "link" / "feats", images / "." / "f"}) {
    SCOPED_TRACE(out);
    const std::string err = expect_refused(extract_args(images, out));
    EXPECT_NE(err.find("inside the input"), std::string::npos) << err;
  }
  // Nothing was created in the input: it still holds its two classes and their images.
  EXPECT_EQ(std::distance(fs::recursive_directory_iterator(images), {}), 6);
  EXPECT_EQ(run_cli(extract_args(images, dir / "feats")).exit_code, 0);
}

TEST(ExtractFolders, FlatFolderOfImages) {
  const fs::path dir = scratch_dir("flat-folder"), images = dir / "flat", out = dir / "out";
  fs::create_directories(images);
  for (int i = 0; i < 5; ++i) write_ppm(images / (std::to_string(i) + ".ppm"), 16, i);
  const CommandResult r = run_cli(extract_args(images, out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_npy((out / "features.npy").string()).shape[0], 5);
  EXPECT_FALSE(fs::exists(out / "labels.npy"));
  EXPECT_EQ(lines_of(read_text(out / "files.txt")), (std::vector<std::string>{"0.ppm", "1.ppm", "2.ppm", "3.ppm", "4.ppm"}));
}

// Minimal RFC 4180 reader: rows of fields.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') rows.back().back() += '"', ++i;
      else if (c == '"') quoted = false;
      else rows.back().back() += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') rows.back().emplace_back();
    else if (c == '\n') rows.emplace_back(1);
    else rows.back().back() += c;
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(FileNames, NewlinesCommasAndLatin1NamesStayAligned) {
  const fs::path dir = scratch_dir("odd-names"), images = dir / "images", out = dir / "out";
  const std::vector<std::string> classes = {"cl\nass", "plain"};
  const std::vector<std::string> names = {"a\nb.ppm", "caf\xe9.ppm", "x,y.ppm", "=cmd().ppm", "q\"uote.ppm", "back\\n.ppm"};
  int seed = 0;
  for (const std::string& label : classes) {
    fs::create_directories(images / label);
    for (const std::string& name : names) write_ppm(images / label / name, 16, seed++);
  }
  const CommandResult r = run_cli(extract_args(images, out));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // One line a name, each unescaping to the very bytes; rows stay aligned with features and labels.
  std::vector<std::string> files = lines_of(read_text(out / "files.txt"));
  ASSERT_EQ(files.size(), 12u);
  EXPECT_EQ(read_npy((out / "features.npy").string()).shape[0], 12);
  EXPECT_EQ(read_npy((out / "labels.npy").string()).shape[0], 12);
  std::vector<std::string> expected;
  for (const std::string& label : classes) {
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& name : sorted) expected.push_back(label + "/" + name);
  }
  for (std::string& f : files) f = unescape_name(f);
  EXPECT_EQ(files, expected);
  std::vector<std::string> class_lines = lines_of(read_text(out / "classes.txt"));
  for (std::string& c : class_lines) c = unescape_name(c);
  EXPECT_EQ(class_lines, classes);
  const json meta = json::parse(read_text(out / "meta.json"));
  EXPECT_EQ(meta["count"], 12);

  // predict's CSV: RFC 4180, formulas neutralised, the same names in the same order.
  ASSERT_EQ(run_cli({"train", "--train", out.string(), "-o", (dir / "head.h5").string(), "--epochs", "1", "-q"}).exit_code, 0);
  const CommandResult p = run_cli({"predict", (dir / "head.h5").string(), out.string()});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto rows = parse_csv(p.out);
  ASSERT_EQ(rows.size(), 13u) << p.out;
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 3u) << p.out;
    const std::string& name = rows[i][0];
    EXPECT_EQ(name.starts_with("'") ? name.substr(1) : name, expected[i - 1]);
  }
  EXPECT_EQ(p.out.find("\n=cmd"), std::string::npos) << "a formula reaches the spreadsheet";

  // A folder of images goes to predict the same way.
  const CommandResult from_images = run_cli({"predict", (dir / "head.h5").string(), images.string(), "--base",
                                             "squeezenet", "--base-weights", "random", "--target-size", "32x32"});
  ASSERT_EQ(from_images.exit_code, 0) << from_images.err;
  EXPECT_EQ(parse_csv(from_images.out).size(), 13u);
}

TEST(FileNames, RefusesAnInputPathThatIsNotUtf8) {
  const fs::path dir = scratch_dir("latin1-input"), images = write_two_classes(dir / "caf\xe9", 1);
  const std::string err = expect_refused(extract_args(images, dir / "out"));
  EXPECT_NE(err.find("not valid UTF-8"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir / "out")) << "refused only after the work";
}

TEST(EscapedNames, RoundTripEveryByte) {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  const std::string escaped = escape_name(all + "\\x41\\n" + "caf\xc3\xa9");
  EXPECT_EQ(escaped.find('\n'), std::string::npos);
  EXPECT_TRUE(is_utf8(escaped));
  EXPECT_EQ(unescape_name(escaped), all + "\\x41\\n" + "caf\xc3\xa9");
  EXPECT_EQ(escape_name("caf\xc3\xa9/x.jpg"), "caf\xc3\xa9/x.jpg");  // valid UTF-8 is kept
  EXPECT_EQ(escape_name("caf\xe9"), "caf\\xe9");
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));  // a surrogate
  EXPECT_FALSE(is_utf8("\xc0\xaf"));      // an overlong '/'
}

TEST(EscapedNames, CsvFieldsAsRfc4180) {
  EXPECT_EQ(csv_field("plain.jpg"), "plain.jpg");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("=1+2"), "'=1+2");
  EXPECT_EQ(csv_field("@x,y"), "\"'@x,y\"");
  EXPECT_EQ(csv_field("-2"), "'-2");
  EXPECT_EQ(csv_field("a\nb"), "\"a\nb\"");
}

// ---------------------------------------------------------------- item 9: names at NAME_MAX

TEST(LongNames, OutputsWithNamesOfNameMaxBytes) {
  const fs::path dir = scratch_dir("long-names"), features = write_features(dir / "features");
  const std::string model_name = std::string(NAME_MAX - 3, 'm') + ".h5", history_name = std::string(NAME_MAX - 4, 'h') + ".csv";
  const CommandResult r = run_cli({"train", "--train", features.string(), "-o", (dir / model_name).string(), "--history",
                                   (dir / history_name).string(), "--head", "flatten,dense:1:sigmoid", "--epochs", "1", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / model_name));
  EXPECT_TRUE(fs::exists(dir / history_name));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 3) << "temporary files left behind";
}

// ---------------------------------------------------------------- item 10: thread counts

TEST(Options, ThreadCountsOutOfRange) {
  const fs::path dir = scratch_dir("thread-options"), images = write_two_classes(dir / "images", 1);
  for (const std::vector<std::string> bad : {std::vector<std::string>{"--threads", "-3"}, {"--threads", "0"},
                                             {"--workers", "-1"}, {"--workers", "0"}, {"--threads", "x"}}) {
    std::vector<std::string> args = extract_args(images, dir / "out");
    args.insert(args.end(), bad.begin(), bad.end());
    expect_refused(args);
    EXPECT_FALSE(fs::exists(dir / "out" / "features.npy"));
  }
  std::vector<std::string> args = extract_args(images, dir / "out");
  args.insert(args.end(), {"--threads", "10000", "--workers", "10000"});
  const CommandResult r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cap = std::to_string(4 * std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_NE(r.err.find("--threads 10000 is more than 4 per core; using " + cap), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--workers 10000 is more than 4 per core; using " + cap), std::string::npos) << r.err;
}

// ---------------------------------------------------------------- item 6: resume checks its inputs

// A model that needs no weights, for extracting "features" of tiny images quickly.
std::unique_ptr<Sequential> pooling_model() {
  clear_session();
  auto model = std::make_unique<Sequential>("pool", 1);
  model->add(Input({8, 8, 3}));
  model->add(GlobalAveragePooling2D());
  return model;
}

DirectoryIterator listing_of(const fs::path& images) {
  return ImageDataGenerator().flow_from_directory(
      images.string(), {.target_size = {8, 8}, .class_mode = ClassMode::sparse, .batch_size = 2, .shuffle = false});
}

TEST(Resume, RefusesImagesChangedUnderTheSameName) {
  const fs::path dir = scratch_dir("resume-changed"), images = write_two_classes(dir / "images", 4);
  std::unique_ptr<Sequential> model = pooling_model();
  const DirectoryIterator listing = listing_of(images);
  const std::string npy = (dir / "features.npy").string();
  ExtractionOptions options{.resumable = true, .run_id = "test"};
  options.on_progress = [](int64_t) { request_interrupt(SIGINT); };  // stop after the first batch
  EXPECT_THROW(predict_to_npy(*model, listing, npy, options), Interrupted);
  ASSERT_TRUE(fs::exists(npy + ".progress.json"));

  // The first image, already extracted, is replaced by another of another size.
  write_ppm(images / "a" / "0.ppm", 20, 99);
  options.resume = true;
  options.on_progress = nullptr;
  try {
    predict_to_npy(*model, listing, npy, options);
    ADD_FAILURE() << "resumed over a changed image";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("other images"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- item 11: many unreadable files

// The progress record stays small however many files were skipped (the list is appended to a
// log instead of rewritten every batch), and a resumed run still reports every skipped file.
TEST(Resume, ProgressRecordDoesNotGrowWithSkippedFiles) {
  const fs::path dir = scratch_dir("many-skipped"), images = dir / "images";
  fs::create_directories(images / "a");
  for (int i = 0; i < 300; ++i) std::ofstream(images / "a" / ("bad" + std::to_string(1000 + i) + ".ppm")) << "P6\n";
  write_ppm(images / "a" / "good.ppm", 8, 1);
  std::unique_ptr<Sequential> model = pooling_model();
  const DirectoryIterator listing = listing_of(images);
  const std::string npy = (dir / "features.npy").string();
  uintmax_t largest_record = 0;
  ExtractionOptions options{.resumable = true, .run_id = "test"};
  options.on_progress = [&](int64_t done) {
    largest_record = std::max(largest_record, fs::file_size(npy + ".progress.json"));
    if (done == 200) request_interrupt(SIGINT);
  };
  EXPECT_THROW(predict_to_npy(*model, listing, npy, options), Interrupted);
  EXPECT_LT(largest_record, 2000u) << "the record grows with the skipped files";
  options.resume = true;
  const ExtractionResult result = predict_to_npy(*model, listing, npy, options);
  EXPECT_EQ(result.skipped.size(), 300u);
  EXPECT_EQ(result.skipped.front().filename, "a/bad1000.ppm");
  EXPECT_EQ(result.skipped.back().filename, "a/bad1299.ppm");
  EXPECT_EQ(result.file_indices.size(), 1u);
}

// ---------------------------------------------------------------- item 2: two runs into one folder

TEST(ConcurrentRuns, TwoExtractsIntoOneFolderNeverTearIt) {
  const fs::path dir = scratch_dir("concurrent-extract"), images = write_two_classes(dir / "images", 12);
  const fs::path out = dir / "out";
  std::string command = "'" + std::string(BOTTLENECK_CLI) + "'";
  for (const auto& a : extract_args(images, out)) command += " '" + a + "'";
  int refused = 0;
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const fs::path err_a = dir / "a.err", err_b = dir / "b.err";
    const std::string both = "(" + command + " 2>" + err_a.string() + "; echo $? >" + (dir / "a.rc").string() + ") & (" +
                             command + " 2>" + err_b.string() + "; echo $? >" + (dir / "b.rc").string() + "); wait";
    ASSERT_EQ(std::system(both.c_str()), 0);
    for (const fs::path& err : {err_a, err_b}) {
      const std::string text = read_text(err);
      const int rc = std::stoi(read_text(err.parent_path() / (err.stem().string() + ".rc")));
      if (rc == 0) continue;
      ++refused;
      EXPECT_EQ(rc, 1) << text;
      EXPECT_NE(text.find("is in use by PID "), std::string::npos) << text;
      EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    }
    // Whatever happened, the folder holds one whole, consistent result.
    EXPECT_EQ(read_npy((out / "features.npy").string()).shape[0], 24);
    EXPECT_EQ(read_npy((out / "labels.npy").string()).shape[0], 24);
    EXPECT_EQ(lines_of(read_text(out / "files.txt")).size(), 24u);
    EXPECT_FALSE(fs::exists(out / ".extract-partial"));
  }
  std::printf("second runs refused: %d of 4\n", refused);
  EXPECT_GT(refused, 0) << "the runs never overlapped: nothing was tested";
}

// ---------------------------------------------------------------- item 12: RLE bitmaps, the log's nan

// A 16-colour BMP (Windows v3 header) whose pixel data is `data`, compressed as `compression`.
std::vector<uint8_t> rle_bmp(int width, int height, int bits, uint32_t compression, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b = {'B', 'M'};
  auto u16 = [&](uint32_t v) { b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8)}); };
  auto u32 = [&](uint32_t v) { b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}); };
  const uint32_t offset = 14 + 40 + 16 * 4;
  u32(offset + static_cast<uint32_t>(data.size())), u32(0), u32(offset);
  u32(40), u32(static_cast<uint32_t>(width)), u32(static_cast<uint32_t>(height)), u16(1), u16(bits), u32(compression);
  u32(static_cast<uint32_t>(data.size())), u32(2835), u32(2835), u32(16), u32(0);
  for (int i = 0; i < 16; ++i) b.insert(b.end(), {uint8_t(37 * i % 256), uint8_t(255 - 10 * i), uint8_t(10 * i), 0});
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// The image `rows` (palette indices, top row first) should decode to, with rle_bmp's palette.
std::vector<float> palette_rgb(const std::vector<std::vector<int>>& rows) {
  std::vector<float> rgb;
  for (const auto& row : rows)
    for (int i : row) rgb.insert(rgb.end(), {float(10 * i), float(255 - 10 * i), float(37 * i % 256)});
  return rgb;
}

std::vector<float> loaded(const fs::path& path) {
  const Tensor x = img_to_array(load_img(path.string()));
  return std::vector<float>(x.data(), x.data() + x.size());
}

// Expected pixels are Pillow 9.4's decoding of the same bytes, quirks included: a delta
// escape takes its offsets from the two bytes after the two it reads first, an odd absolute
// run in RLE4 loses its last pixel, and data that ends before the image is an error.
TEST(BmpRle, DecodesAsPillowDoes) {
  const fs::path dir = scratch_dir("bmp-rle");
  const std::vector<uint8_t> rle8 = {3, 1, 0, 3, 2, 3, 4, 0, 0, 0,                       // run, odd absolute run (padded), end of line
                                     2, 5, 0, 2, 9, 9, 1, 0, 7, 6, 0, 0,                 // run, delta, run past the row's end
                                     0, 4, 7, 8, 9, 10, 0, 0, 6, 11, 0, 1};              // absolute run, run, end of bitmap
  const std::vector<uint8_t> rle4 = {5, 0x12, 2, 0x34, 0, 0, 0, 5, 0x56, 0x78, 0x9a, 0, 0, 0, 7, 0xfe, 0, 1};
  auto write = [&](const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return dir / name;
  };
  const fs::path bottom_up = write("rle8.bmp", rle_bmp(6, 4, 8, 1, rle8));
  const fs::path top_down = write("rle8-top-down.bmp", rle_bmp(6, -4, 8, 1, rle8));
  const fs::path nibbles = write("rle4.bmp", rle_bmp(7, 3, 4, 2, rle4));
  const fs::path short_data = write("rle8-short.bmp", rle_bmp(6, 5, 8, 1, rle8));

  const std::vector<std::vector<int>> rle8_rows = {
      {11, 11, 11, 11, 11, 11}, {7, 8, 9, 10, 0, 0}, {5, 5, 0, 6, 6, 6}, {1, 1, 1, 2, 3, 4}};
  EXPECT_EQ(loaded(bottom_up), palette_rgb(rle8_rows));
  EXPECT_EQ(loaded(top_down), palette_rgb({rle8_rows.rbegin(), rle8_rows.rend()}));
  EXPECT_EQ(loaded(nibbles), palette_rgb({{15, 14, 15, 14, 15, 14, 15}, {5, 6, 7, 8, 0, 0, 0}, {1, 2, 1, 2, 1, 3, 4}}));
  EXPECT_THROW(load_img(short_data.string()), Error);
}

TEST(TrainingLog, PrintsNanAsKerasDoes) {
  EXPECT_EQ(detail::format_figure(-std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(detail::format_figure(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(detail::format_figure(0.25), "0.2500");
}

}  // namespace
}  // namespace bottleneck
