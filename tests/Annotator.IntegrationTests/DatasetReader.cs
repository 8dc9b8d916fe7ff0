using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Annotator.IntegrationTests;

/// <summary>
/// Reads an exported ZIP the way the formats' own readers do, in Python (their language), with its standard library
/// only, since pycocotools and webdataset cannot be installed here: COCO as pycocotools' <c>COCO.createIndex</c> indexes
/// a captions file (integer ids, each annotation's image present), LLaVA as its loader reads a conversation list,
/// WebDataset as its tar expander and <c>group_by_keys</c> stream a shard (a new sample whenever the key changes, so
/// the files of one sample must be adjacent). Fails on any departure from the layout; returns one row per sample.
/// </summary>
internal static class DatasetReader
{
    private const string Script = """
        import json, re, sys, tarfile, zipfile
        path, fmt = sys.argv[1], sys.argv[2]
        z = zipfile.ZipFile(path)
        names = set(z.namelist())
        rows = []
        if fmt == 'coco':
            for name in sorted(names):
                m = re.fullmatch(r'annotations/captions_(\w+)\.json', name)
                if not m: continue
                split, d = m.group(1), json.loads(z.read(name))
                assert {'info', 'licenses', 'images', 'annotations'} <= set(d), name
                imgs, img_to_anns = {}, {}
                for img in d['images']:
                    assert isinstance(img['id'], int) and img['id'] not in imgs, img
                    assert isinstance(img['width'], int) and isinstance(img['height'], int), img
                    imgs[img['id']] = img
                for ann in d['annotations']:
                    assert isinstance(ann['id'], int) and ann['image_id'] in imgs, ann
                    img_to_anns.setdefault(ann['image_id'], []).append(ann)
                for i, img in imgs.items():
                    file = split + '/' + img['file_name']
                    assert file in names, file
                    [ann] = img_to_anns[i]
                    rows.append(dict(split=split, id=img['annotator_id'], cocoId=i, annotationId=ann['id'], file=file,
                                     text=ann['caption'], width=img['width'], height=img['height']))
        elif fmt == 'llava':
            for name in sorted(names):
                if not re.fullmatch(r'\w+\.json', name): continue
                for item in json.loads(z.read(name)):
                    human, gpt = item['conversations']
                    assert human == {'from': 'human', 'value': '<image>\nDescribe this image.'}, human
                    assert gpt['from'] == 'gpt', gpt
                    assert item['image'] in names, item['image']
                    rows.append(dict(split=name[:-5], id=item['id'], file=item['image'], text=gpt['value']))
        elif fmt == 'webdataset':
            for name in sorted(names):
                m = re.fullmatch(r'(\w+)-(\d{6})\.tar', name)
                assert m, name
                samples = []
                with tarfile.open(fileobj=z.open(name), mode='r|') as tar:
                    for member in tar:
                        key, suffix = re.fullmatch(r'^((?:.*/|)[^.]+)[.]([^/]*)$', member.name).groups()
                        if not samples or samples[-1]['__key__'] != key:
                            assert all(s['__key__'] != key for s in samples), key + ': the files of one sample are not adjacent'
                            samples.append({'__key__': key})
                        assert suffix not in samples[-1], member.name
                        samples[-1][suffix] = tar.extractfile(member).read()
                for s in samples:
                    [image] = [k for k in s if k in ('jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'heic', 'avif')]
                    meta = json.loads(s['json'])
                    rows.append(dict(split=m.group(1), shard=int(m.group(2)), id=s['__key__'], file=s['__key__'] + '.' + image,
                                     text=s['txt'].decode('utf-8'), metaId=meta['id'], width=meta['width'], height=meta['height'],
                                     bytes=len(s[image]), start=s[image][:2].hex(), files=len(s) - 1))
        print(json.dumps(rows))
        """;

    public static async Task<List<JsonNode>> ReadAsync(string zip, string format)
    {
        var start = new ProcessStartInfo("python3", ["-c", Script, zip, format]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"the {format} reader refused the export: {await errors}");
        return [.. JsonNode.Parse(await output)!.AsArray().Select(r => r!)];
    }
}
