"""The article's code ("Python: Save memory by writing efficient classes",
2024-01-16), as written, so the suite can measure it beside the C scenarios. Each class
keeps the article's body; what the article leaves open is filled in, and
marked here:
  - processing_function: the article does not define it; here it does what
    the C chunked scenario does to a chunk (pixels to floats in [0, 1], the
    mean and the label counts), so both sides do the same work.
  - save_chunk writes a pickle, not parquet: to_parquet needs pyarrow or
    fastparquet, which Debian 12 does not ship; to_pickle needs nothing
    beyond pandas. Files go to `out_dir` (the article writes to ./).
  - print() calls in the loaders are kept behind `verbose`, off when measured.
  - WholeProcessor is not in the article: the load-everything baseline the
    C scenario also has, built from the article's own DataLoader.
Standard library and pandas (python3-pandas) only; pandas is imported by the
classes that use it, so the colony classes work without it."""
from functools import cached_property

from article_colony import make_colony  # noqa: F401  re-exported: the article's colony classes


class DataLoader:

    def __init__(self, path, verbose=False):
        self.path = path
        self.verbose = verbose

    @cached_property
    def dataset(self):
        # load the dataset here
        # this will only be executed once when the dataset property is first accessed
        return self._load_dataset()

    def _load_dataset(self):
        import pandas as pd
        if self.verbose:
            print("Loading the dataset...")
        # load a big dataset here
        df = pd.read_csv(self.path)
        return df


class DataProcessor:
    def __init__(self, path):
        self.path = path
        self.data_loader = DataLoader(self.path)

    def process_data(self):
        dataset = self.data_loader.dataset
        # Perform complex data processing steps on the loaded dataset
        # (here: the C scenario's, the mean of every pixel)
        return float(dataset.iloc[:, 1:].to_numpy().mean())


def processing_function(chunk):
    """What the C chunked scenario does to a chunk (see the module comment)."""
    pixels = chunk.iloc[:, 1:].to_numpy(dtype="float32") / 255.0
    chunk.attrs["mean"] = float(pixels.mean())
    chunk.attrs["labels"] = chunk.iloc[:, 0].value_counts().to_dict()
    return chunk.iloc[:, :1].join(type(chunk)(pixels, index=chunk.index, columns=chunk.columns[1:]))


class ChunkProcessor:
    def __init__(self, filepath, chunk_size, verbose=True, out_dir="."):
        self.filepath = filepath
        self.chunk_size = chunk_size
        self.verbose = verbose
        self.out_dir = out_dir

    def process_data(self):
        for chunk_id, chunk in enumerate(self.load_data()):
            processed_chunk = self.process_chunk(chunk)
            self.save_chunk(processed_chunk, chunk_id)

    def load_data(self):
        import pandas as pd
        # load data in chunks
        skip_rows = 0
        while True:
            # The article's call, but for one fix: an int skiprows would skip
            # the header line too (every chunk after the first would take its
            # first row for column names); a range keeps line 0.
            chunk = pd.read_csv(self.filepath, skiprows=range(1, skip_rows + 1), nrows=self.chunk_size)
            if chunk.empty:
                break
            skip_rows += self.chunk_size
            yield chunk

    def process_chunk(self, chunk):
        # process each chunk of data
        processed_chunk = processing_function(chunk)
        return processed_chunk

    def save_chunk(self, chunk, chunk_id):
        # save each processed chunk (a pickle: see the module comment)
        chunk_filepath = f"{self.out_dir}/output_chunk_{chunk_id}.pkl"
        chunk.to_pickle(chunk_filepath)
        if self.verbose:
            print(f"saved {chunk_filepath}")


class PandasChunkProcessor:
    def __init__(self, filepath, chunk_size, verbose=True, out_dir="."):
        self.filepath = filepath
        self.chunk_size = chunk_size
        self.verbose = verbose
        self.out_dir = out_dir

    def process_data(self):
        import pandas as pd
        for chunk_id, chunk in enumerate(pd.read_csv(self.filepath, chunksize=self.chunk_size)):
            processed_chunk = self.process_chunk(chunk)
            self.save_chunk(processed_chunk, chunk_id)

    def process_chunk(self, chunk):
        # process each chunk of data
        processed_chunk = processing_function(chunk)
        return processed_chunk

    def save_chunk(self, chunk, chunk_id):
        # save each processed chunk (a pickle: see the module comment)
        chunk_filepath = f"{self.out_dir}/output_chunk_{chunk_id}.pkl"
        chunk.to_pickle(chunk_filepath)
        if self.verbose:
            print(f"saved {chunk_filepath}")


class WholeProcessor(PandasChunkProcessor):
    """Not in the article: everything loaded first (its DataLoader), then
    processed in the same chunks, as the C scenario's `whole` variant."""

    def load(self):
        return DataLoader(self.filepath).dataset

    def process_data(self):
        dataset = self.load()
        for chunk_id, start in enumerate(range(0, len(dataset), self.chunk_size)):
            chunk = dataset.iloc[start:start + self.chunk_size].copy()
            self.save_chunk(self.process_chunk(chunk), chunk_id)
