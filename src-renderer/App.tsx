/** Placeholder root component. */
export function App() {
  return (
    <main>
      <h1>Forkwatch</h1>
    </main>
  );
}
