namespace Annotator.Events;

/// <summary>
/// Keeps a subscriber from working on one object twice at once. A delivery for a key already being
/// worked on is not started beside it: the running one is asked to run once more when it finishes,
/// reading the state as it is by then, so every change is seen and nothing runs in parallel. Twenty
/// re-captions of an image being captioned make one more caption, not twenty at once, and no duplicate
/// delivery spends an attempt meant for crashes.
/// </summary>
public sealed class RunningKeys
{
    private readonly Dictionary<string, bool> _again = []; // key being worked on → another delivery came meanwhile

    /// <summary>True: run it. False: it is running already and will run again for this delivery.</summary>
    public bool TryStart(string key)
    {
        lock (_again)
        {
            if (_again.TryAdd(key, false)) return true;
            _again[key] = true;
            return false;
        }
    }

    /// <summary>After a run: true when it must run again (and the key stays taken), else the key is released.</summary>
    public bool Finish(string key, bool mayRunAgain)
    {
        lock (_again)
        {
            if (mayRunAgain && _again[key])
            {
                _again[key] = false;
                return true;
            }
            _again.Remove(key);
            return false;
        }
    }
}
