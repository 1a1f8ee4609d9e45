namespace LocalAI.Rag;

/// <summary>Keeps the <c>k</c> best (row, score) pairs seen, with a min-heap.</summary>
internal sealed class TopK
{
    private readonly PriorityQueue<int, float> _heap;
    private readonly int _k;

    public TopK(int k)
    {
        _k = Math.Max(1, k);
        _heap = new PriorityQueue<int, float>(_k + 1);
    }

    public void Add(int row, float score)
    {
        if (_heap.Count < _k)
        {
            _heap.Enqueue(row, score);
        }
        else if (score > PeekScore())
        {
            _heap.DequeueEnqueue(row, score);
        }
    }

    public void AddAll(TopK other)
    {
        foreach (var (row, score) in other._heap.UnorderedItems)
        {
            Add(row, score);
        }
    }

    public List<(int Row, float Score)> ToSortedList()
    {
        var list = _heap.UnorderedItems.Select(x => (x.Element, x.Priority)).ToList();
        list.Sort((a, b) => b.Priority != a.Priority ? b.Priority.CompareTo(a.Priority) : a.Element.CompareTo(b.Element));
        return list;
    }

    private float PeekScore()
    {
        _heap.TryPeek(out _, out var score);
        return score;
    }
}
