/** A row of labelled figures at the top of a page: what an operator reads first. */

export function StatCards(props: { label: string; cards: readonly (readonly [string, string])[] }) {
  return (
    <dl class="stats" aria-label={props.label}>
      {props.cards.map(([label, value]) => (
        <div key={label} class="stat" data-stat={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
