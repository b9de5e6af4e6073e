namespace Dime.Daemon.Tests;

/// <summary>
/// The corpus's second half (issue 14): files that are not regular files, invalid path characters, datasets of the
/// wrong shape, images whose data is forged or bounded, work bounded by the input, parameters of the wrong shape,
/// and odd inputs that must still be answered (code 0). The placeholders are those of <see cref="MalformedCorpusTests"/>;
/// $devices is a dataset whose images are a FIFO, a folder, a link to /dev/zero and a path with NUL.
/// </summary>
internal static class MalformedCorpusMoreCases
{
    public static IEnumerable<(string Name, string Body, int Code)> All()
    {
        (string, string, int)[] cases =
        [
        // files that are not regular files
        ("dataset is a FIFO", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/pipe.jsonl\"}}", 1004),
        ("dataset is /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"/dev/zero\"}}", 1004),
        ("dataset is /dev/urandom", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"/dev/urandom\"}}", 1004),
        ("dataset is /dev/null", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"/dev/null\"}}", 1004),
        ("dataset is a link to /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/zero.jsonl\"}}", 1004),
        ("CLEVR dataset is a link to /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/zero.json\"}}", 1004),
        ("dataset is a socket", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/socket.jsonl\"}}", 1004),
        ("dataset is the root folder", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"/\"}}", 1004),
        ("typed image is a FIFO", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/pipe.png\",\"question\":\"is there a red circle?\"}}}", 1004),
        ("typed image is /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"/dev/zero\",\"question\":\"is there a red circle?\"}}}", 1004),
        ("typed image is /dev/urandom", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"/dev/urandom\",\"question\":\"is there a red circle?\"}}}", 1004),
        ("typed image is a link to /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/zero.png\",\"question\":\"is there a red circle?\"}}}", 1004),
        ("typed image is a folder", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images\",\"question\":\"is there a red circle?\"}}}", 1004),
        ("typed image is a socket", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/socket.jsonl\",\"question\":\"is there a red circle?\"}}}", 1004),
        ("dataset image is a FIFO", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$devices\",\"index\":0}}}", 1004),
        ("dataset image is a folder", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$devices\",\"index\":1}}}", 1004),
        ("dataset image is a link to /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$devices\",\"index\":2}}}", 1203),
        ("manifest is /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"/dev/zero\"}}", 1004),
        ("manifest is a link to /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/zero-model/manifest.json\"}}", 1004),
        ("manifest is a FIFO", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/fifo-model/manifest.json\"}}", 1004),
        ("manifest folder holds a folder named manifest.json", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/folder-model\"}}", 1004),
        ("graph is a FIFO", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/fifo-graph/manifest.json\"}}", 1004),
        ("graph is a link to /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/zero-graph/manifest.json\"}}", 1004),
        ("vocabulary is a FIFO", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/fifo-vocab/manifest.json\"}}", 1004),
        ("vocabulary is /dev/urandom", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/urandom-vocab/manifest.json\"}}", 1004),
        ("manifest over 4 MiB", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/huge-manifest/manifest.json\"}}", 1005),
        ("manifest's reference dataset is /dev/zero", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$zeroRefModel\",\"sample\":{\"imagePath\":\"$folder/images/good.png\",\"question\":\"is there a red circle?\"},\"options\":{\"imageSamples\":10,\"textSamples\":10,\"referenceSize\":2}}}", 1004),

        // invalid path characters
        ("dataset path with NUL", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/a\\u0000b\"}}", 1003),
        ("dataset path with a newline", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/a\\nb\"}}", 1003),
        ("dataset path with an escape character", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/a\\u001bb\"}}", 1003),
        ("dataset path empty", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"\"}}", 1000),
        ("manifest path with NUL", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/a\\u0000b\"}}", 1003),
        ("manifest path with a newline", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/a\\nb\"}}", 1003),
        ("manifest path with an escape character", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"$folder/a\\u001bb\"}}", 1003),
        ("manifest path empty", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/loadModel\",\"params\":{\"manifestPath\":\"\"}}", 1000),
        ("typed image path with NUL", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/a\\u0000b\",\"question\":\"is there a red circle?\"}}}", 1003),
        ("typed image path with a newline", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/a\\nb\",\"question\":\"is there a red circle?\"}}}", 1003),
        ("typed image path with an escape character", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/a\\u001bb\",\"question\":\"is there a red circle?\"}}}", 1003),
        ("typed image path empty", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"\",\"question\":\"is there a red circle?\"}}}", 1000),
        ("export folder with NUL", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"$result\",\"folder\":\"$folder/out\\u0000x\"}}", 1501),
        ("export folder inside /proc", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"$result\",\"folder\":\"/proc/self/dime\"}}", 1501),
        ("export folder inside /sys", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"$result\",\"folder\":\"/sys/dime\"}}", 1501),
        ("export folder under a file", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"$result\",\"folder\":\"$folder/samples.jsonl/out\"}}", 1501),
        ("export folder is a file", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"$result\",\"folder\":\"$folder/samples.jsonl\"}}", 1501),
        ("dataset image path with NUL", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$devices\",\"index\":3}}}", 1003),

        // dataset shapes
        ("CLEVR root is an array", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-array.json\"}}", 1201),
        ("CLEVR root is a string", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-string.json\"}}", 1201),
        ("CLEVR root is null", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-null.json\"}}", 1201),
        ("CLEVR questions is an object", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-qobject.json\"}}", 1201),
        ("CLEVR questions are numbers", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-qnumbers.json\"}}", 1201),
        ("CLEVR fields of the wrong type", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-qtypes.json\"}}", 1201),
        ("CLEVR questions is null", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-qnull.json\"}}", 1201),
        ("CLEVR nested 1000 deep", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-deep.json\"}}", 1201),
        ("CLEVR empty file", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-empty.json\"}}", 1201),
        ("CLEVR truncated", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-truncated.json\"}}", 1201),
        ("JSONL lines are arrays", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/jsonl-arrays.jsonl\"}}", 1201),
        ("JSONL lines are numbers", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/jsonl-numbers.jsonl\"}}", 1201),
        ("JSONL image field is an object", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/jsonl-imageobject.jsonl\"}}", 1201),
        ("JSONL only blank lines", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/jsonl-blank.jsonl\"}}", 1201),
        ("JSONL in UTF-16 with a byte-order mark is read", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/jsonl-utf16.jsonl\"}}", 0),
        ("format clevr on a JSONL file", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/samples.jsonl\",\"format\":\"clevr\"}}", 1201),
        ("format jsonl on a CLEVR file", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/clevr-qobject.json\",\"format\":\"jsonl\"}}", 1201),
        ("fields naming absent keys", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/samples.jsonl\",\"fields\":{\"image\":\"nope\"}}}", 1201),

        // images whose data is bounded or broken
        ("PNG declaring 6000x6000 over 16 bytes", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/forged.png\",\"question\":\"is there a red circle?\"}}}", 1301),
        ("PNG without image data", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/no-idat.png\",\"question\":\"is there a red circle?\"}}}", 1301),
        ("PNG whose chunk runs past the end", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/chunk-past-end.png\",\"question\":\"is there a red circle?\"}}}", 1301),
        ("PNG with 9 MiB of metadata", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/metadata.png\",\"question\":\"is there a red circle?\"}}}", 1301),
        ("PNG whose text inflates to 64 MiB is answered without inflating it", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/ztxt-bomb.png\",\"question\":\"is there a red circle?\"}}}", 0),
        ("PNG declaring 50000x50000", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/bomb.png\",\"question\":\"is there a red circle?\"}}}", 1302),
        ("JPEG cut in half", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/half.jpg\",\"question\":\"is there a red circle?\"}}}", 1301),
        ("GIF header only", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/header.gif\",\"question\":\"is there a red circle?\"}}}", 1301),
        ("BMP header only", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/header.bmp\",\"question\":\"is there a red circle?\"}}}", 1301),
        ("random bytes named .jpg", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/random.jpg\",\"question\":\"is there a red circle?\"}}}", 1303),

        // work bounded by the input
        ("100x100 grid on a 64x64 image", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"grid\",\"rows\":100,\"columns\":100}}}}", 1000),
        ("SLIC with 2000 segments on a 64x64 image", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"slic\",\"segments\":2000}}}}", 1000),
        ("grid with 0 rows", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"grid\",\"rows\":0}}}}", 1000),
        ("grid with 101 columns", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"grid\",\"columns\":101}}}}", 1000),
        ("kernel size 100", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"quickshift\",\"kernelSize\":100}}}}", 1000),
        ("negative max distance", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"quickshift\",\"maxDist\":-1}}}}", 1000),
        ("ratio 2", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"quickshift\",\"ratio\":2}}}}", 1000),
        ("compactness 0", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"method\":\"slic\",\"compactness\":0}}}}", 1000),
        ("negative segmentation seed", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"segmentation\":{\"seed\":-1}}}}", 1000),
        ("blur sigma 0", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"hide\":{\"mode\":\"blur\",\"sigma\":0}}}}", 1000),
        ("hide colour of two channels", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"hide\":{\"mode\":\"constant\",\"color\":[1,2]}}}}", 1000),
        ("zero image features", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"imageFeatures\":0}}}", 1000),
        ("20000 text features", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"textFeatureCount\":20000}}}", 1000),
        ("a reference set of 1001", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"referenceSize\":1001}}}", 1000),
        ("negative reference seed", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"referenceSeed\":-1}}}", 1000),
        ("20001 image samples", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"imageSamples\":20001}}}", 1000),
        ("nine text samples", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"textSamples\":9}}}", 1000),
        ("labels 'none'", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"labels\":\"none\"}}}", 1000),
        ("labels empty", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"labels\":[]}}}", 1000),
        ("label -1", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"labels\":[-1]}}}", 1000),
        ("label 1.5", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"labels\":[1.5]}}}", 1000),
        ("label null", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"labels\":[null]}}}", 1000),
        ("labels an object", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"labels\":{\"a\":1}}}}", 1000),
        ("text features 'letters'", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"textFeatures\":\"letters\"}}}", 1000),
        ("stability runs -1", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"quality\":{\"stabilityRuns\":-1}}}}", 1000),
        ("top 1001", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"top\":1001}}", 1000),
        ("listSamples limit 10001", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/listSamples\",\"params\":{\"datasetId\":\"$dataset\",\"limit\":10001}}", 1000),
        ("listSamples limit -1", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/listSamples\",\"params\":{\"datasetId\":\"$dataset\",\"limit\":-1}}", 1000),
        ("explainDataset a negative count", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explainDataset\",\"params\":{\"modelId\":\"$model\",\"datasetId\":\"$dataset\",\"count\":-5}}", 1000),
        ("compare three models", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/compare\",\"params\":{\"modelIds\":[\"$model\",\"$model\",\"$model\"],\"sample\":{\"datasetId\":\"$dataset\",\"index\":0}}}", 1000),
        ("compare a model with itself", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/compare\",\"params\":{\"modelIds\":[\"$model\",\"$model\"],\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"imageSamples\":0}}}", 1000),

        // parameters of the wrong shape
        ("sample is a string", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":\"zero\"}}", -32602),
        ("modelId is a number", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":5,\"sample\":{\"datasetId\":\"$dataset\",\"index\":0}}}", -32602),
        ("index is a string", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":\"0\"}}}", -32602),
        ("index is 2^40", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":1099511627776}}}", -32602),
        ("options is an array", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":[]}}", -32602),
        ("stratified is a string", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"stratified\":\"yes\"}}}", -32602),
        ("curves is a number", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"quality\":{\"curves\":3}}}}", -32602),
        ("modalities is a string", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"datasetId\":\"$dataset\",\"index\":0},\"options\":{\"modalities\":\"image\"}}}", -32602),
        ("params is null for explain", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/explain\",\"params\":null}", -32602),
        ("params is a number", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/status\",\"params\":5}", -32700),
        ("fields is a string", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/samples.jsonl\",\"fields\":\"image\"}}", -32602),
        ("resultId is an object", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":{},\"folder\":\"$folder/out\"}}", -32602),
        ("result id in capitals", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"0123456789ABCDEF0123456789ABCDEF\",\"folder\":\"$folder/out\"}}", 1500),
        ("result id of 31 characters", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"0123456789abcdef0123456789abcde\",\"folder\":\"$folder/out\"}}", 1500),
        ("result id with NUL", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/export\",\"params\":{\"resultId\":\"0123456789abcdef\\u00000123456789abcde\",\"folder\":\"$folder/out\"}}", 1500),
        ("a question of only spaces", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/good.png\",\"question\":\"     \"}}}", 1400),
        ("unknown method in capitals", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"DIME/STATUS\",\"params\":{}}", -32601),
        ("empty method name", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"\",\"params\":{}}", -32601),
        ("dollar method as a request", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"$/unknown\",\"params\":{}}", -32601),
        ("unload with an empty model id", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/unloadModel\",\"params\":{\"modelId\":\"\"}}", 1000),

        // answered despite oddities
        ("status with an array of params", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/status\",\"params\":[]}", -32602),
        ("listSamples with limit 0", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/listSamples\",\"params\":{\"datasetId\":\"$dataset\",\"offset\":0,\"limit\":0}}", 0),
        ("listSamples past the end", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/listSamples\",\"params\":{\"datasetId\":\"$dataset\",\"offset\":100000}}", 0),
        ("a string id", "{\"jsonrpc\":\"2.0\",\"id\":\"IDs\",\"method\":\"dime/status\",\"params\":{}}", 0),
        ("unknown extra fields", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/status\",\"params\":{\"whatever\":[1,2,3]}}", 0),
        ("reopening a dataset", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/samples.jsonl\"}}", 0),
        ("predict on a good typed image", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/good.png\",\"question\":\"is there a red circle?\"}}}", 0),
        ("dataset through a link inside its folder", "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":\"dime/openDataset\",\"params\":{\"path\":\"$folder/link-to-samples.jsonl\"}}", 0),
        ];
        foreach (var c in cases)
        {
            yield return c;
        }

        // bodies too large to write out: paths of 5000 and a million characters, a 2 MB result id, a 1 MB question
        var longPath = "/tmp/" + new string('x', 5000);
        const string Head = "{\"jsonrpc\":\"2.0\",\"id\":ID,\"method\":";
        yield return ("dataset path of 5000 characters", Head + "\"dime/openDataset\",\"params\":{\"path\":\"" + longPath + "\"}}", 1003);
        yield return ("manifest path of 5000 characters", Head + "\"dime/loadModel\",\"params\":{\"manifestPath\":\"" + longPath + "\"}}", 1003);
        yield return ("typed image path of 5000 characters", Head + "\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"" + longPath + "\",\"question\":\"is there a red circle?\"}}}", 1003);
        yield return ("path of a million characters", Head + "\"dime/openDataset\",\"params\":{\"path\":\"/tmp/" + new string('y', 1_000_000) + "\"}}", 1003);
        yield return ("a 2 MB result id", Head + "\"dime/export\",\"params\":{\"resultId\":\"" + new string('z', 2_000_000) + "\",\"folder\":\"$folder/out\"}}", 1500);
        yield return ("a 1 MB question", Head + "\"dime/predict\",\"params\":{\"modelId\":\"$model\",\"sample\":{\"imagePath\":\"$folder/images/good.png\",\"question\":\"" + string.Concat(Enumerable.Repeat("why ", 250_000)) + "\"}}}", 1400);
    }
}
